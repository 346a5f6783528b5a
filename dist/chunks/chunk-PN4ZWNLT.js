import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  logLines
} from "./chunk-OIVOHELA.js";
import {
  core_exports,
  endGroup,
  startGroup
} from "./chunk-NFKXVFBA.js";

// src/util/pool.ts
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        const value = await Promise.resolve().then(() => fn(items[index], index));
        results[index] = { status: "fulfilled", value };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
var OrderedLog = class {
  titles;
  buffers;
  finished;
  printed = 0;
  constructor(titles) {
    this.titles = titles;
    this.buffers = titles.map(() => []);
    this.finished = titles.map(() => false);
  }
  for(index) {
    const push = (level) => (message) => {
      this.buffers[index]?.push({ level, message });
    };
    return {
      debug: push("debug"),
      info: push("info"),
      warning: push("warning"),
      error: push("error")
    };
  }
  /** Marks an item done and prints every group that is now ready. */
  done(index) {
    this.finished[index] = true;
    while (this.printed < this.titles.length && this.finished[this.printed]) {
      printGroup(this.titles[this.printed] ?? "", this.buffers[this.printed] ?? []);
      this.buffers[this.printed] = [];
      this.printed++;
    }
  }
};
function printGroup(title, lines) {
  startGroup(title);
  try {
    for (const { level, message } of lines) {
      if (level === "info") logLines(message);
      else core_exports[level](message);
    }
  } finally {
    endGroup();
  }
}
async function mapLimitLogged(items, limit, title, fn) {
  const log = new OrderedLog(items.map(title));
  return mapLimit(items, limit, async (item, index) => {
    try {
      return await fn(item, index, log.for(index));
    } finally {
      log.done(index);
    }
  });
}
function distinct(items, key) {
  const first = /* @__PURE__ */ new Map();
  const unique = [];
  const repeats = [];
  const slot = items.map((item) => {
    const k = key(item);
    let at = first.get(k);
    if (at === void 0) {
      at = unique.push(item) - 1;
      first.set(k, at);
    } else {
      repeats.push({ item, first: unique[at] });
    }
    return at;
  });
  return {
    unique,
    repeats,
    expand: (results) => slot.map((at) => results[at])
  };
}

export {
  mapLimitLogged,
  distinct
};
