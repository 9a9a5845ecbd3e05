import type { GetPromptResult, PromptMessage } from '@modelcontextprotocol/client';
import { BlobContent, ResourceContents, ShownText } from './resource-contents';

/** One message's content as text: never markup, never a URL the page loads. */
function MessageContent({ content }: { content: PromptMessage['content'] }) {
  switch (content.type) {
    case 'text':
      return <ShownText text={content.text} name="prompt-message.txt" />;
    case 'image':
    case 'audio':
      return (
        <BlobContent data={content.data} mimeType={content.mimeType} name={`prompt-${content.type}.bin`} />
      );
    case 'resource':
      return <ResourceContents contents={[content.resource]} />;
    case 'resource_link':
      return (
        <p>
          Resource link <code>{content.uri}</code>
          {content.name && ` (${content.name})`}
        </p>
      );
    default:
      return <pre className="json">{JSON.stringify(content, null, 2)}</pre>;
  }
}

/** A prompts/get answer: its description, then each message under its role, in order. */
export function PromptMessages({ result }: { result: GetPromptResult }) {
  return (
    <>
      {result.description && <p className="description">{result.description}</p>}
      {result.messages.length === 0 && <p>The prompt has no messages.</p>}
      <ol className="messages">
        {result.messages.map((message, i) => (
          // Messages have no identity of their own; their order is the prompt's.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={i} className={`message ${message.role}`}>
            <h4>{message.role}</h4>
            <MessageContent content={message.content} />
          </li>
        ))}
      </ol>
    </>
  );
}
