// A real SMTP listener on loopback for the notification suites (smtp-server): it accepts every
// message, without authentication or TLS, and keeps each one parsed (mailparser) in `messages`.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export class SmtpListener {
  readonly messages: ParsedMail[] = [];
  private readonly parsing: Promise<unknown>[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      const parsed = simpleParser(stream).then((mail) => this.messages.push(mail));
      this.parsing.push(parsed);
      parsed.then(() => callback(), callback);
    },
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** Every message accepted so far, once parsed. */
  async settled(): Promise<ParsedMail[]> {
    await Promise.all(this.parsing);
    return this.messages;
  }

  /** The messages to one address. */
  to(email: string): ParsedMail[] {
    return this.messages.filter((m) => m.to && 'text' in m.to && m.to.text === email);
  }

  stop(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(resolve));
  }
}
