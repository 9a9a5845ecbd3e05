import { useQuery } from '@tanstack/react-query';
import { consoleFetch } from '../api';
import { AssistantChat } from '../components/assistant-chat';
import { AssistantSetup } from '../components/assistant-setup';

type Status = { readonly configured: false } | { readonly configured: true; readonly model: string };

async function assistantStatus(): Promise<Status> {
  const response = await consoleFetch('/console/api/assistant');
  if (!response.ok) throw new Error(`the gateway answered ${response.status}`);
  return (await response.json()) as Status;
}

/**
 * The assistant: a description in, a generator spec out. The chat endpoint and its key are the gateway's; this
 * page only ever sees the model's name, the replies and the validated spec.
 */
export function AssistantPage() {
  const status = useQuery({ queryKey: ['assistant'], queryFn: assistantStatus });
  return (
    <>
      <h1>Assistant</h1>
      {status.isPending && <p className="status">Loading…</p>}
      {status.isError && <p role="alert">The assistant's status could not be read: {status.error.message}</p>}
      {status.data?.configured === false && <AssistantSetup />}
      {status.data?.configured === true && <AssistantChat model={status.data.model} />}
    </>
  );
}
