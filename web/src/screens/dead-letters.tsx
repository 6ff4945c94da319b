import { useState } from 'preact/hooks';
import { segment, type Api } from '../api';
import type { DeadLetterQueue, DeadLetterRedrive } from '../types';
import { Loading, Problem, useAction, useLoad, when } from '../ui';

/**
 * The work queues' dead letters (GET /v1/ops/dead-letters): how many wait in each, a look at a
 * few by their ids (the API never shows a body, docs/privacy.md), and a
 * redrive that asks to be confirmed, since it sends every message back to its consumer.
 */
export function DeadLetters({ api }: { api: Api }) {
  const list = useLoad(() => api.get<{ queues: DeadLetterQueue[] }>('/v1/ops/dead-letters'), []);
  return (
    <>
      <h1>Dead letters</h1>
      <p class="muted">
        Messages a queue's consumer gave up on after its retries. Fix the cause first, then move them back.
      </p>
      {list.loading && !list.data && <Loading what="the dead-letter queues" />}
      <Problem message={list.error} />
      {list.data?.queues.map((queue) => (
        <QueueCard key={queue.queue} api={api} queue={queue} onRedriven={list.reload} />
      ))}
    </>
  );
}

function QueueCard({ api, queue, onRedriven }: { api: Api; queue: DeadLetterQueue; onRedriven: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<DeadLetterRedrive>();
  const action = useAction();
  const redrive = () =>
    action.run(async () => {
      setResult(
        await api.post<DeadLetterRedrive>(`/v1/ops/dead-letters/${segment(queue.queue)}/redrive`, {}),
      );
      setConfirming(false);
      onRedriven();
    });
  return (
    <section class="card" aria-labelledby={`dlq-${queue.queue}`}>
      <h2 id={`dlq-${queue.queue}`}>{queue.queue}</h2>
      <p>
        <strong>{queue.messages}</strong> {queue.messages === 1 ? 'message waits' : 'messages wait'}
        {queue.lastRedrive &&
          ` · last redrive ${queue.lastRedrive.status.toLowerCase()}, ${queue.lastRedrive.moved} moved`}
      </p>
      {queue.peek.length > 0 && (
        <div class="scroll" tabIndex={0}>
          <table>
            <caption>First messages of {queue.queue}'s dead-letter queue</caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Event</th>
                <th scope="col">About</th>
                <th scope="col">Receives</th>
                <th scope="col">First received</th>
              </tr>
            </thead>
            <tbody>
              {queue.peek.map((message) => (
                <tr key={message.messageId}>
                  <td>{message.messageId}</td>
                  <td>{message.type ?? '—'}</td>
                  <td>
                    <Ids ids={message.ids} />
                  </td>
                  <td>{message.receiveCount}</td>
                  <td>{when(message.firstReceivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {queue.messages > 0 && !confirming && (
        <button type="button" class="warning" onClick={() => setConfirming(true)}>
          Redrive {queue.queue}
        </button>
      )}
      {confirming && (
        <div role="group" aria-label={`Confirm the redrive of ${queue.queue}`} class="action">
          <p>
            Move {queue.messages === 1 ? 'the message' : `all ${queue.messages} messages`} back to{' '}
            {queue.queue}? Its consumer will process {queue.messages === 1 ? 'it' : 'them'} again.
          </p>
          <div class="row">
            <button type="button" class="primary" disabled={action.busy} onClick={redrive}>
              Yes, redrive
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <Problem message={action.error} />
      {result && (
        <p role="status">
          Redrive of {result.queue} started by {result.requestedBy.sub} at {when(result.requestedAt)}
          {result.taskHandle && ` (task ${result.taskHandle})`}.
        </p>
      )}
    </section>
  );
}

function Ids({ ids }: { ids: Record<string, string> }) {
  const entries = Object.entries(ids);
  if (entries.length === 0) return <>—</>;
  return (
    <>
      {entries.map(([name, value], index) => (
        <span key={name}>
          {index > 0 && ', '}
          {name === 'orderId' ? <a href={`#/orders/${segment(value)}`}>order {value}</a> : `${name} ${value}`}
        </span>
      ))}
    </>
  );
}
