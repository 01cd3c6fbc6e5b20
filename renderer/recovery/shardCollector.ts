/**
 * Turns a stream of scanned QR texts into whole shard texts, one shard after another, using core/qr's assembler.
 * A completed shard is handed on as its envelope text ("KS1" + base32 of the reassembled bytes); the bytes are wiped.
 * After a shard completes, parts of the same code are ignored (it is usually still in front of the camera), and the
 * first code of a different shard starts the next one.
 */
import { encodeBase32 } from '../../core/base32';
import { ENVELOPE_TEXT_PREFIX } from '../../core/envelope';
import type { KeyshardError } from '../../core/errors';
import { createQrAssembler, type QrProgress } from '../../core/qr/assembler';

export type CollectEvent =
  | { readonly kind: 'progress'; readonly progress: QrProgress; readonly started: boolean }
  | { readonly kind: 'complete'; readonly progress: QrProgress; readonly shardText: string; readonly started: boolean }
  | { readonly kind: 'duplicate'; readonly progress: QrProgress }
  | { readonly kind: 'rejected'; readonly progress: QrProgress; readonly error: KeyshardError };

export interface ShardCollector {
  receive(text: string): CollectEvent;
  progress(): QrProgress;
  /** Forget the code being read (e.g. the person wants to start this shard over). */
  reset(): void;
}

export function createShardCollector(): ShardCollector {
  const assembler = createQrAssembler();
  return {
    receive(text) {
      let before = assembler.progress();
      let result = assembler.receive(text);
      if (result.status === 'rejected' && result.error?.code === 'QR_MISMATCH' && assembler.isComplete()) {
        // The previous shard is done; this is the next one.
        assembler.reset();
        before = assembler.progress();
        result = assembler.receive(text);
      }
      const started = before.expected === 0 && result.progress.expected > 0;
      switch (result.status) {
        case 'complete': {
          const bytes = assembler.result();
          let shardText: string;
          try {
            shardText = ENVELOPE_TEXT_PREFIX + encodeBase32(bytes);
          } finally {
            bytes.fill(0);
          }
          return { kind: 'complete', progress: result.progress, shardText, started };
        }
        case 'progress':
          return { kind: 'progress', progress: result.progress, started };
        case 'duplicate':
          return { kind: 'duplicate', progress: result.progress };
        case 'rejected':
          return { kind: 'rejected', progress: result.progress, error: result.error as KeyshardError };
      }
    },
    progress: () => assembler.progress(),
    reset: () => assembler.reset(),
  };
}
