import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on loopback that records what arrives and can misbehave on demand. */
export class SmtpPeer {
  readonly received: Received[] = [];
  /** 'ok', 'refuse' (451 on RCPT), 'drop' (connection closed during DATA) */
  mode: 'ok' | 'refuse' | 'drop' = 'ok';
  port = 0;
  private server = this.create();

  private create(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, cb) => {
        if (this.mode === 'refuse') {
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        cb();
      },
      onData: (stream, _session, cb) => {
        if (this.mode === 'drop') {
          // an abrupt end of every connection mid-transaction, no SMTP answer
          stream.resume();
          this.destroyConnections();
          return;
        }
        simpleParser(stream)
          .then((m) => {
            const to = Array.isArray(m.to) ? m.to[0]?.text : m.to?.text;
            this.received.push({
              messageId: m.messageId ?? '',
              to: to ?? '',
              subject: m.subject ?? '',
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
            });
            cb();
          })
          .catch(cb);
      },
    });
  }

  async start(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
    return this.port;
  }

  private destroyConnections(): void {
    const connections = (this.server as unknown as { connections: Set<{ _socket?: { destroy(): void } }> }).connections;
    for (const c of connections) c._socket?.destroy();
  }

  /** Down for a while: the port refuses connections until start(samePort). */
  async stop(): Promise<void> {
    this.destroyConnections();
    // the raw listener: SMTPServer.close() would wait up to 30 s for sessions it still counts
    await new Promise<void>((resolve) => this.server.server.close(() => resolve()));
    this.server = this.create();
  }
}
