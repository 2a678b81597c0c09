#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx yrd-air …` works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../app/cli.ts');
