import { parseRemoteExecutionContext, ValidationError } from '../../../Domain';
import { handlePluginEvent } from '../../../Plugins/handlers';
import { hostileExecutionContexts } from '../../testkit/hostileBodies';

describe('plug-in events from a keyed but hostile sender', () => {
  it('are refused by the parser or decided by the handlers: never an exception that would be a 500', () => {
    const outcomes = { invalid: 0, skipped: 0, queued: 0 };
    const bodies = hostileExecutionContexts(1500);
    bodies.forEach((text, n) => {
      let event;
      try {
        event = parseRemoteExecutionContext(JSON.parse(text));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw new Error(`case ${n}: ${String(error)}`);
        outcomes.invalid++;
        return;
      }
      let decision;
      try {
        decision = handlePluginEvent(event, { integrationUserId: null });
      } catch (error) {
        throw new Error(`case ${n}: ${String(error)}`);
      }
      if (decision.skipped !== null) outcomes.skipped++;
      else outcomes.queued++;
      expect(Object.getPrototypeOf(event.changedAttributes)).toBeNull();
    });
    // The generator reaches every outcome, so the cases are not all refused at the door.
    expect(outcomes.invalid).toBeGreaterThan(50);
    expect(outcomes.skipped).toBeGreaterThan(50);
    expect(outcomes.queued).toBeGreaterThan(50);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
