// --token-auth-file: a CSV of static bearer tokens (upstream: authenticator/token/tokenfile).
//
//   31ada4fd-adec-460c-809a-9e56ceb75269,alice,1001,"devs,ops"
//
// token, user name, uid, then an optional quoted comma-separated group list.

import { ALL_AUTHENTICATED, type UserInfo } from './user';

export function parseTokenFile(text: string): Map<string, UserInfo> {
  const out = new Map<string, UserInfo>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = splitCsv(line);
    if (fields.length < 3 || !fields[0] || !fields[1])
      throw new Error(`token file line ${i + 1}: want token,user,uid[,"groups"]`);
    const groups = (fields[3] ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    out.set(fields[0], { username: fields[1], uid: fields[2], groups: [...groups, ALL_AUTHENTICATED] });
  });
  return out;
}

/** Commas split fields except inside double quotes; `""` inside quotes is one quote. */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      fields.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  fields.push(cur);
  return fields.map((f) => f.trim());
}
