// Runtime seam for @ngraveio/bc-ur; its types live in ./bc-ur.d.ts (see there for why).
export { UR, UREncoder, URDecoder } from '@ngraveio/bc-ur';
// Which fragments bc-ur mixes into part seqNum: the one function a decoder must share with the encoder.
export { chooseFragments } from '@ngraveio/bc-ur/dist/fountainUtils.js';
