/**
 * The relay's ports: every outside system (Partner Center, Dataverse, the durable store, clock,
 * logger, metrics) as an interface, plus the job contract that producers (plug-in step handlers,
 * webhook routes, /api) put on the queue. Real adapters and test fakes both implement these.
 */
export * from './services';
export * from './store';
export * from './jobs';
export * from './metrics';
export * from './signIn';
