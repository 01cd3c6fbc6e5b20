/** The service calls behind the extend:* channels (SLIP-39 extension): a validated request to one call. */
import { KeyshardError } from '../../core/errors';
import type { ExtendService } from '../services/extend/index';
import type { ChannelName } from './channels';
import type { ServicesOf } from './handlers-domains';

type ExtendChannel = Extract<ChannelName, `extend:${string}`>;

export function extendServices(service: ExtendService | undefined): ServicesOf<ExtendChannel> {
  const s = (): ExtendService => {
    if (service === undefined) throw new KeyshardError('INTERNAL', 'The share extension service is not available in this window. Restart keyshard; if it keeps happening, report it.');
    return service;
  };
  return {
    'extend:status': () => s().status(),
    'extend:load-witness-key': (r) => s().loadWitnessKey(r),
    'extend:start': (r) => s().start(r),
    'extend:check-airgap': () => s().checkAirGap(),
    'extend:add-share': (r) => s().addShare(r),
    'extend:make': () => s().make(),
    'extend:handoff': (r) => s().handoff(r),
    'extend:confirm': (r) => s().confirm(r),
    'extend:destroy': () => s().destroy(),
    'extend:seal': () => s().seal(),
    'extend:sign-off': (r) => s().signOff(r),
    'extend:abort': (r) => s().abort(r),
    'extend:close': () => s().close(),
  };
}
