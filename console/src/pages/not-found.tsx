import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no such page. <Link to="/servers">See the servers</Link>.
      </p>
    </>
  );
}
