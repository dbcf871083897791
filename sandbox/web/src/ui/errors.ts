/** Errors shown in the page (a bad model file, a failed download): the game keeps running. */
export class ErrorPanel {
  /** Every message shown so far (tests read it). */
  readonly messages: string[] = [];

  constructor(private readonly element: HTMLElement) {}

  private lastText = '';
  private lastAt = 0;

  /** Shows `error` for 12 s (the same message again within 2 s is not repeated: a failing frame would flood the page). */
  show(error: unknown, context?: string): void {
    const text = `${context !== undefined ? `${context}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
    const now = performance.now();
    if (text === this.lastText && now - this.lastAt < 2000) return;
    this.lastText = text;
    this.lastAt = now;
    this.messages.push(text);
    const line = document.createElement('div');
    line.className = 'error';
    line.textContent = text;
    const close = document.createElement('button');
    close.textContent = '×';
    close.title = 'dismiss';
    close.onclick = () => line.remove();
    line.append(close);
    this.element.append(line);
    setTimeout(() => line.remove(), 12_000);
  }
}
