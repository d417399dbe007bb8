// How a support command calls the admin API: by operationId (src/admin-client/operations.ts,
// generated from the OpenAPI description), with path parameters, query and JSON body (decision 0020).
import type { Command } from 'commander';
import type { AdminOperationId, CallArgs } from '../admin-client/index.js';

/** Calls one admin API operation for a command (its global options give the URL and the token). */
export type Op = <T>(command: Command, operationId: AdminOperationId, args?: CallArgs) => Promise<T>;

/** Prints the API's JSON (--json) or the human text. */
export type Print = (command: Command, json: unknown, human: () => string) => void;
