// Test helper: an SM2 signature (r, s in hex) as DER SEQUENCE { INTEGER r, INTEGER s }.
function derInteger(hex: string): Buffer {
  let bytes = Buffer.from(hex.replace(/^(00)+/, '') || '00', 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

export function derSignature(r: string, s: string): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
