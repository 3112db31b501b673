/**
 * Decoding of the Kubernetes protobuf request bodies client-go sends. Since client-go 1.35 the
 * generated typed clients prefer `application/vnd.kubernetes.protobuf` for built-in kinds
 * (gentype `PrefersProtobuf`), and with no fallback on 415; helm's release storage writes its
 * Secrets through such a client. Responses can stay JSON (client-go's Accept lists
 * `application/json` too), so only request bodies are decoded, and only for the kinds sent that
 * way: Secret, ConfigMap (the `configmap` storage driver) and DeleteOptions (ignored).
 *
 * Wire format (https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding):
 * the magic `k8s\0`, then a `runtime.Unknown` {typeMeta: {apiVersion, kind} = 1, raw = 2}, raw
 * being the object's message from k8s.io/api's generated.proto.
 */

type Field = { readonly number: number; readonly wire: number; readonly value: bigint | Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, pos);
      out.push({ number, wire, value });
      pos = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, pos);
      const end = after + Number(length);
      out.push({ number, wire, value: buf.subarray(after, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ number, wire, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ number, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');
const bytes = (f: Field) => f.value as Buffer;

function mapEntry(f: Field): [string, Buffer] {
  const entry = fields(bytes(f));
  const key = entry.find((e) => e.number === 1);
  const value = entry.find((e) => e.number === 2);
  return [key ? str(key) : '', value ? bytes(value) : Buffer.alloc(0)];
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const f of fields(buf)) {
    switch (f.number) {
      case 1:
        meta['name'] = str(f);
        break;
      case 2:
        meta['generateName'] = str(f);
        break;
      case 3:
        meta['namespace'] = str(f);
        break;
      case 5:
        meta['uid'] = str(f);
        break;
      case 6:
        meta['resourceVersion'] = str(f);
        break;
      case 7:
        meta['generation'] = Number(f.value as bigint);
        break;
      case 11: {
        const [k, v] = mapEntry(f);
        labels[k] = v.toString('utf8');
        break;
      }
      case 12: {
        const [k, v] = mapEntry(f);
        annotations[k] = v.toString('utf8');
        break;
      }
      case 14:
        finalizers.push(str(f));
        break;
      default:
        break; // timestamps, owner references, managed fields: set by the server
    }
  }
  if (Object.keys(labels).length) meta['labels'] = labels;
  if (Object.keys(annotations).length) meta['annotations'] = annotations;
  if (finalizers.length) meta['finalizers'] = finalizers;
  for (const empty of ['resourceVersion', 'uid', 'generateName', 'namespace'])
    if (meta[empty] === '') delete meta[empty];
  return meta;
}

function secret(raw: Buffer): Record<string, unknown> {
  const object: Record<string, unknown> = { metadata: {} };
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const f of fields(raw)) {
    if (f.number === 1) object['metadata'] = objectMeta(bytes(f));
    else if (f.number === 2) {
      const [k, v] = mapEntry(f);
      data[k] = v.toString('base64');
    } else if (f.number === 3) object['type'] = str(f);
    else if (f.number === 4) {
      const [k, v] = mapEntry(f);
      stringData[k] = v.toString('utf8');
    } else if (f.number === 5) object['immutable'] = f.value !== 0n;
  }
  if (Object.keys(data).length) object['data'] = data;
  if (Object.keys(stringData).length) object['stringData'] = stringData;
  return object;
}

function configMap(raw: Buffer): Record<string, unknown> {
  const object: Record<string, unknown> = { metadata: {} };
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of fields(raw)) {
    if (f.number === 1) object['metadata'] = objectMeta(bytes(f));
    else if (f.number === 2) {
      const [k, v] = mapEntry(f);
      data[k] = v.toString('utf8');
    } else if (f.number === 3) {
      const [k, v] = mapEntry(f);
      binaryData[k] = v.toString('base64');
    } else if (f.number === 4) object['immutable'] = f.value !== 0n;
  }
  if (Object.keys(data).length) object['data'] = data;
  if (Object.keys(binaryData).length) object['binaryData'] = binaryData;
  return object;
}

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** Decodes a protobuf body into the JSON object the server stores; undefined for an unknown kind. */
export function decodeProtobuf(body: Buffer): { kind: string; object?: Record<string, unknown> } {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('no k8s protobuf magic');
  const unknown = fields(body.subarray(4));
  const typeMeta = unknown.find((f) => f.number === 1);
  const raw = unknown.find((f) => f.number === 2);
  const meta = typeMeta ? fields(bytes(typeMeta)) : [];
  const apiVersion = meta.find((f) => f.number === 1);
  const kindField = meta.find((f) => f.number === 2);
  const kind = kindField ? str(kindField) : '';
  const version = apiVersion ? str(apiVersion) : 'v1';
  const rawBytes = raw ? bytes(raw) : Buffer.alloc(0);
  if (kind === 'Secret')
    return { kind, object: { apiVersion: version, kind, ...secret(rawBytes) } };
  if (kind === 'ConfigMap')
    return { kind, object: { apiVersion: version, kind, ...configMap(rawBytes) } };
  return { kind };
}
