/**
 * Runs queued callbacks one per task, yielding to the browser between them.
 *
 * When the markdown renderer arrives, every message on screen switches from plain lines to
 * rendered markdown. Done together, that is one long task (the parser's first runs are cold
 * code) during which the page cannot answer a tap or a key; done one message per task, each
 * step is a few milliseconds and input is handled in between. A MessageChannel message is
 * the browser's quickest "next task" (setTimeout is clamped to 4 ms after a few rounds).
 */
const queue: Array<() => void> = [];
let channel: MessageChannel | null = null;
let pending = false;

function runOne(): void {
  pending = false;
  const task = queue.shift();
  if (queue.length > 0) schedule();
  else stopChannel();
  // Thrown after the next one is scheduled, so one failing callback does not strand the rest.
  task?.();
}

/** An idle queue holds no open port (in node, an open port would keep the process alive). */
function stopChannel(): void {
  channel?.port1.close();
  channel = null;
}

function schedule(): void {
  if (pending) return;
  pending = true;
  if (typeof MessageChannel === 'undefined') {
    setTimeout(runOne, 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = runOne;
  }
  channel.port2.postMessage(null);
}

export function inItsOwnTask(task: () => void): void {
  queue.push(task);
  schedule();
}
