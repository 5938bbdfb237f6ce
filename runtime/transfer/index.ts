// Public surface of the file-transfer layer (clause 7.6.1 / 7.6.2 sender and receiver).
export * from './destination.ts';
export * from './mline-plan.ts';
export * from './procedure-runner.ts';
export * from './file-transfer-procedures.ts';
export * from './transfer-types.ts';
export * from './typed-emitter.ts';
export * from './file-offer.ts';
export * from './group-invite-body.ts';
export * from './file-transfer-sender.ts';
export * from './file-transfer-receiver.ts';
