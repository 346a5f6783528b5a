import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/util/errors.ts
var InputError = class extends Error {
  input;
  constructor(input, message) {
    super(`Input '${input}': ${message}`);
    this.name = "InputError";
    this.input = input;
  }
};
var ActionError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ActionError";
  }
};
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

export {
  InputError,
  ActionError,
  errorMessage
};
