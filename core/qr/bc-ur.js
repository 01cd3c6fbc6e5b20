// Runtime seam for @ngraveio/bc-ur; its types live in ./bc-ur.d.ts (see there for why).
export { UR, UREncoder, URDecoder } from '@ngraveio/bc-ur';
