import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingMail {
  /** derived from the outbox id, so a resend after a crash is recognisably the same message */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Side effect behind a small interface: tests swap it, the dispatcher does not care which. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}
export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/** Real delivery. nodemailer's own pooling and requeueing are off: the outbox is the retry mechanism. */
export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(smtpUrl: string) {
    const url = new URL(smtpUrl);
    this.transporter = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      pool: false,
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
      // a plain local mail catcher offers no TLS
      ignoreTLS: url.searchParams.get('tls') === 'off',
    });
  }

  async send(m: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({ messageId: m.messageId, from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
  }

  close(): void {
    this.transporter.close();
  }
}

/** Without SMTP_URL: each message becomes an .eml file a newcomer can open. */
export class FileTransport implements MailTransport {
  private readonly transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(private readonly dir: string) {}

  async send(m: OutgoingMail): Promise<void> {
    const info = await this.transporter.sendMail({
      messageId: m.messageId,
      from: m.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
    });
    await mkdir(this.dir, { recursive: true });
    const name = m.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9@._-]/g, '_');
    await writeFile(join(this.dir, `${name}.eml`), info.message as Buffer);
  }

  close(): void {}
}
