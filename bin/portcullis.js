#!/usr/bin/env node
// Entry point for `npx portcullis` / `npm start`: runs the compiled CLI (built by `npm install`).
import '../dist/src/cli/main.js';
