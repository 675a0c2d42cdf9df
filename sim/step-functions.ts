import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, readBody } from './http-sim';

/**
 * Step Functions' StartExecution and DescribeExecution on loopback, in the service's AWS JSON 1.0
 * protocol (`X-Amz-Target: AWSStepFunctions.<Operation>`), for the real `@aws-sdk/client-sfn`. What an
 * execution does is the test's: `run` is called with the state machine and the input and settles with
 * the execution's output (SUCCEEDED) or a Fail state's error and cause (FAILED), for instance by
 * running the definition in the local ASL interpreter against the other simulators.
 */
export interface SimExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  output?: string;
  error?: string;
  cause?: string;
}

export type RunExecution = (stateMachineArn: string, input: unknown, name: string) => Promise<unknown>;

export class StepFunctionsSim extends LoopbackServer {
  readonly executions: SimExecution[] = [];
  /** The state machines that exist (StartExecution on another is a StateMachineDoesNotExist). */
  readonly stateMachines = new Set<string>();

  constructor(private readonly run: RunExecution) {
    super();
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req)
      .then((body) => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const input = JSON.parse(body || '{}') as Record<string, unknown>;
        const send = (status: number, out: unknown) => {
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'sim' });
          res.end(JSON.stringify(out));
        };
        const error = (type: string, message: string) => send(400, { __type: type, message });
        if (target === 'AWSStepFunctions.StartExecution') {
          const arn = typeof input.stateMachineArn === 'string' ? input.stateMachineArn : '';
          if (!this.stateMachines.has(arn))
            return error('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
          const name = typeof input.name === 'string' ? input.name : `sim-${this.executions.length + 1}`;
          if (this.executions.some((e) => e.stateMachineArn === arn && e.name === name))
            return error('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
          const execution: SimExecution = {
            executionArn: `${arn.replace(':stateMachine:', ':execution:')}:${name}`,
            stateMachineArn: arn,
            name,
            input: typeof input.input === 'string' ? input.input : '{}',
            startDate: Date.now() / 1000,
            status: 'RUNNING',
          };
          this.executions.push(execution);
          this.run(arn, JSON.parse(execution.input) as unknown, name).then(
            (out) => {
              execution.status = 'SUCCEEDED';
              execution.output = JSON.stringify(out);
            },
            (err: Error & { cause?: Error }) => {
              // A Fail state's error and cause (the local interpreter wraps it in its own error).
              const fail = err.cause ?? err;
              execution.status = 'FAILED';
              execution.error = fail.name;
              execution.cause = fail.message;
            },
          );
          return send(200, { executionArn: execution.executionArn, startDate: execution.startDate });
        }
        if (target === 'AWSStepFunctions.DescribeExecution') {
          const e = this.executions.find((x) => x.executionArn === input.executionArn);
          if (!e) return error('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
          return send(200, {
            executionArn: e.executionArn,
            stateMachineArn: e.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: e.startDate,
            input: e.input,
            ...(e.status !== 'RUNNING' ? { stopDate: Date.now() / 1000 } : {}),
            ...(e.output !== undefined ? { output: e.output } : {}),
            ...(e.error !== undefined ? { error: e.error, cause: e.cause } : {}),
          });
        }
        return error('UnknownOperationException', target);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
  }
}
