// A watch response is newline-delimited JSON (`{"type":"ADDED","object":{…}}\n`), but TCP chunks
// do not respect lines: one chunk may end mid-object and the next finish it. This splitter keeps
// the unfinished tail until its newline arrives. Input must already be decoded text
// (`res.setEncoding('utf8')` keeps multi-byte characters whole across chunks).

export interface LineSplitter {
  push(text: string): void;
  /** The stream ended: parse what is left if it is a complete value. */
  end(): void;
}

export function createNdjsonSplitter(onValue: (value: unknown) => void): LineSplitter {
  let tail = '';
  const emit = (line: string) => {
    const trimmed = line.trim();
    if (trimmed) onValue(JSON.parse(trimmed));
  };
  return {
    push(text) {
      tail += text;
      let nl = tail.indexOf('\n');
      while (nl >= 0) {
        emit(tail.slice(0, nl));
        tail = tail.slice(nl + 1);
        nl = tail.indexOf('\n');
      }
    },
    end() {
      const rest = tail;
      tail = '';
      emit(rest);
    },
  };
}
