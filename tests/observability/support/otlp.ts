// A local OTLP/HTTP trace receiver for tests: accepts what the service's exporter sends by default
// (http/protobuf, the protocol the chart configures) and decodes the spans. The protobuf reader follows the
// field numbers of opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  scope: string;
  resource: Record<string, string | number | boolean>;
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done() {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const length = Number(this.varint());
    const slice = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }
  fixed(size: 4 | 8): Buffer {
    const slice = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return slice;
  }
  skip(wireType: number) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`wire type ${wireType} not supported`);
  }
}

/** Calls `onField(fieldNumber, wireType, reader)` for each field; unhandled fields are skipped. */
function fields(
  buf: Buffer,
  onField: (field: number, wireType: number, reader: Reader) => boolean,
) {
  const reader = new Reader(buf);
  while (!reader.done) {
    const tag = Number(reader.varint());
    const field = tag >> 3;
    const wireType = tag & 7;
    if (!onField(field, wireType, reader)) reader.skip(wireType);
  }
}

function anyValue(buf: Buffer): string | number | boolean {
  let value: string | number | boolean = '';
  fields(buf, (field, _wire, r) => {
    if (field === 1) value = r.bytes().toString('utf8');
    else if (field === 2) value = r.varint() !== 0n;
    else if (field === 3) value = Number(BigInt.asIntN(64, r.varint()));
    else if (field === 4) value = r.fixed(8).readDoubleLE(0);
    else return false;
    return true;
  });
  return value;
}

function keyValues(list: Buffer[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const buf of list) {
    let key = '';
    let value: string | number | boolean = '';
    fields(buf, (field, _wire, r) => {
      if (field === 1) key = r.bytes().toString('utf8');
      else if (field === 2) value = anyValue(r.bytes());
      else return false;
      return true;
    });
    out[key] = value;
  }
  return out;
}

/** Decodes an ExportTraceServiceRequest (protobuf). */
export function decodeTraceRequest(body: Buffer): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  fields(body, (field, _wire, r) => {
    if (field !== 1) return false;
    let resource: Record<string, string | number | boolean> = {};
    const scopeSpans: Buffer[] = [];
    fields(r.bytes(), (f, _w, rr) => {
      if (f === 1) {
        const attributes: Buffer[] = [];
        fields(rr.bytes(), (ff, _ww, rrr) =>
          ff === 1 ? (attributes.push(rrr.bytes()), true) : false,
        );
        resource = keyValues(attributes);
      } else if (f === 2) scopeSpans.push(rr.bytes());
      else return false;
      return true;
    });
    for (const scopeBuf of scopeSpans) {
      let scope = '';
      const spanBufs: Buffer[] = [];
      fields(scopeBuf, (f, _w, rr) => {
        if (f === 1)
          fields(rr.bytes(), (ff, _ww, rrr) =>
            ff === 1 ? ((scope = rrr.bytes().toString('utf8')), true) : false,
          );
        else if (f === 2) spanBufs.push(rr.bytes());
        else return false;
        return true;
      });
      for (const spanBuf of spanBufs) {
        const span: DecodedSpan = {
          traceId: '',
          spanId: '',
          parentSpanId: '',
          name: '',
          kind: 0,
          attributes: {},
          scope,
          resource,
        };
        const attributes: Buffer[] = [];
        fields(spanBuf, (f, _w, rr) => {
          if (f === 1) span.traceId = rr.bytes().toString('hex');
          else if (f === 2) span.spanId = rr.bytes().toString('hex');
          else if (f === 4) span.parentSpanId = rr.bytes().toString('hex');
          else if (f === 5) span.name = rr.bytes().toString('utf8');
          else if (f === 6) span.kind = Number(rr.varint());
          else if (f === 9) attributes.push(rr.bytes());
          else return false;
          return true;
        });
        span.attributes = keyValues(attributes);
        spans.push(span);
      }
    }
    return true;
  });
  return spans;
}

export interface OtlpReceiver {
  endpoint: string;
  spans: DecodedSpan[];
  contentTypes: Set<string>;
  close(): Promise<void>;
}

/** Listens on a free port for POST /v1/traces and collects the decoded spans. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: DecodedSpan[] = [];
  const contentTypes = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const type = String(req.headers['content-type'] ?? '');
      contentTypes.add(type);
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      try {
        if (type.includes('protobuf')) spans.push(...decodeTraceRequest(body));
        else throw new Error(`unexpected content type ${type}`);
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
