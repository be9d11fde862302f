// Step-by-step progress for long commands: a spinner on an interactive terminal, one plain line
// per event otherwise (CI logs, pipes, PowerShell redirection), so logs stay readable.
import type { Writable } from 'node:stream';

const FRAMES = ['|', '/', '-', '\\']; // ASCII: renders in cmd.exe's legacy console too

export interface ProgressOptions {
  out?: Writable & { isTTY?: boolean };
  /** Force the spinner on or off; defaults to whether `out` is a TTY. */
  interactive?: boolean;
}

export class Progress {
  private readonly out: Writable & { isTTY?: boolean };
  private readonly interactive: boolean;
  private index = 0;

  constructor(
    private readonly total: number,
    options: ProgressOptions = {},
  ) {
    this.out = options.out ?? process.stdout;
    this.interactive = options.interactive ?? this.out.isTTY === true;
  }

  /** Runs one step, showing its title while it runs and its outcome after. */
  async step<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.index += 1;
    const label = `[${this.index}/${this.total}] ${title}`;
    if (!this.interactive) {
      this.out.write(`${label} ...\n`);
      try {
        const result = await work();
        this.out.write(`${label}: done\n`);
        return result;
      } catch (error) {
        this.out.write(`${label}: failed\n`);
        throw error;
      }
    }
    let frame = 0;
    const draw = (mark: string): void => {
      this.out.write(`\r\x1b[2K${mark} ${label}`);
    };
    draw(FRAMES[0] ?? '|');
    const timer = setInterval(() => {
      frame = (frame + 1) % FRAMES.length;
      draw(FRAMES[frame] ?? '|');
    }, 100);
    try {
      const result = await work();
      clearInterval(timer);
      draw('ok');
      this.out.write('\n');
      return result;
    } catch (error) {
      clearInterval(timer);
      draw('!!');
      this.out.write(' failed\n');
      throw error;
    }
  }

  /** A line between steps (a note, a skipped step). */
  note(text: string): void {
    this.out.write(`${text}\n`);
  }
}
