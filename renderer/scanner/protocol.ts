/** Messages between the scanner (page) and the decoder worker. Frames travel as transferred ImageBitmaps. */
export type ToDecoder =
  | { readonly type: 'init' }
  | { readonly type: 'frame'; readonly id: number; readonly bitmap: ImageBitmap };

export type FromDecoder =
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'init-failed' }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly texts: readonly string[];
      /** Bitmap to pixels. */
      readonly readMs: number;
      /** The scan pipeline (crop, full frame, fallbacks). */
      readonly decodeMs: number;
      readonly failed: boolean;
    };
