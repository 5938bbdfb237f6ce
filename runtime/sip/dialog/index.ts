export * from './dialog.ts';
export * from './uas-2xx-retransmitter.ts';
