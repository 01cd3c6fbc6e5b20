/** The service calls behind the lifecycle:* channels (refresh and repair): a validated request to one call. */
import { KeyshardError } from '../../core/errors';
import type { LifecycleService } from '../services/lifecycle/types';
import type { ChannelName } from './channels';
import type { ServicesOf } from './handlers-domains';

type LifecycleChannel = Extract<ChannelName, `lifecycle:${string}`>;

export function lifecycleServices(service: LifecycleService | undefined): ServicesOf<LifecycleChannel> {
  const s = (): LifecycleService => {
    if (service === undefined) throw new KeyshardError('INTERNAL', 'The refresh and repair service is not available in this window. Restart keyshard; if it keeps happening, report it.');
    return service;
  };
  return {
    'lifecycle:status': () => s().status(),
    'lifecycle:load-witness-key': (r) => s().loadWitnessKey(r),
    'lifecycle:start': (r) => s().start(r),
    'lifecycle:check-airgap': () => s().checkAirGap(),
    'lifecycle:add-share': (r) => s().addShare(r),
    'lifecycle:make': () => s().make(),
    'lifecycle:handoff': (r) => s().handoff(r),
    'lifecycle:confirm': (r) => s().confirm(r),
    'lifecycle:destroy': () => s().destroy(),
    'lifecycle:seal': () => s().seal(),
    'lifecycle:sign-off': (r) => s().signOff(r),
    'lifecycle:abort': (r) => s().abort(r),
    'lifecycle:close': () => s().close(),
  };
}
