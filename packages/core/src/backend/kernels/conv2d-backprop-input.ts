/**
 * Conv2DBackpropInput for the wasm backend. The backend has one, but it is a scalar loop about
 * 2× slower than the whole rest of a training step; this version sends every multiply through
 * the fast Conv2D kernel.
 *
 * dX is the transposed convolution of dy with W. Sub-pixel (phase) decomposition: in padded
 * input coordinates i = ph + s·m the contributing taps are kh = ph + s·j with oh = m − j, so
 * each of the s×s phases (ph, pw) is a stride-1 full correlation of dy with the flipped,
 * channel-swapped sub-filter W[ph::s, pw::s]. Phase outputs are interleaved with
 * stack + reshape and cropped by the padding. No zeros are multiplied.
 */
import * as tf from "@tensorflow/tfjs";
import { asTensor } from "./as-tensor.ts";

interface Attrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
  dataFormat?: string;
}

export function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const attrs = args.attrs as unknown as Attrs;
  if (attrs.dataFormat && attrs.dataFormat !== "NHWC") {
    throw new Error(`Conv2DBackpropInput (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  }
  const dy = asTensor(args.inputs.dy as tf.TensorInfo) as tf.Tensor4D;
  const filter = asTensor(args.inputs.filter as tf.TensorInfo) as tf.Tensor4D;
  const [B, H, W, Ci] = attrs.inputShape;
  const [KH, KW, , Co] = filter.shape;
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const { top, left } = info.padInfo;
    const OH = dy.shape[1];
    const OW = dy.shape[2];
    // Sub-filters are rearranged in JS: the filter is tiny and wasm's StridedSlice/Reverse are slow.
    const w = filter.dataSync();
    const Mh = Math.ceil(((OH - 1) * sh + KH) / sh);
    const Mw = Math.ceil(((OW - 1) * sw + KW) / sw);
    const rows: tf.Tensor[] = [];
    for (let ph = 0; ph < sh; ph++) {
      const cols: tf.Tensor[] = [];
      const Jh = Math.max(0, Math.ceil((KH - ph) / sh));
      for (let pw = 0; pw < sw; pw++) {
        const Jw = Math.max(0, Math.ceil((KW - pw) / sw));
        if (Jh === 0 || Jw === 0) {
          cols.push(tf.zeros([B, Mh, Mw, Ci]));
          continue;
        }
        // sub[a, b, co, ci] = W[ph + sh·(Jh−1−a), pw + sw·(Jw−1−b), ci, co]  (flip + swap channels)
        const sub = new Float32Array(Jh * Jw * Co * Ci);
        for (let a = 0; a < Jh; a++) {
          for (let b = 0; b < Jw; b++) {
            const kh = ph + sh * (Jh - 1 - a);
            const kw = pw + sw * (Jw - 1 - b);
            const src = (kh * KW + kw) * Ci * Co;
            const dst = (a * Jw + b) * Co * Ci;
            for (let ci = 0; ci < Ci; ci++)
              for (let co = 0; co < Co; co++) sub[dst + co * Ci + ci] = w[src + ci * Co + co];
          }
        }
        const dyp =
          Jh > 1 || Jw > 1
            ? tf.pad(dy, [
                [0, 0],
                [Jh - 1, Jh - 1],
                [Jw - 1, Jw - 1],
                [0, 0],
              ])
            : dy;
        let r: tf.Tensor4D = tf.conv2d(dyp, tf.tensor4d(sub, [Jh, Jw, Co, Ci]), 1, "valid");
        const padH = Mh - r.shape[1];
        const padW = Mw - r.shape[2];
        if (padH || padW) {
          r = tf.pad(r, [
            [0, 0],
            [0, padH],
            [0, padW],
            [0, 0],
          ]);
        }
        cols.push(r);
      }
      rows.push(sw === 1 ? cols[0] : tf.stack(cols, 3));
    }
    let full = (sh === 1 ? rows[0] : tf.stack(rows, 2)).reshape([B, Mh * sh, Mw * sw, Ci]) as tf.Tensor4D;
    const needH = top + H - full.shape[1];
    const needW = left + W - full.shape[2];
    if (needH > 0 || needW > 0) {
      full = tf.pad(full, [
        [0, 0],
        [0, Math.max(0, needH)],
        [0, Math.max(0, needW)],
        [0, 0],
      ]);
    }
    return top === 0 && left === 0 && full.shape[1] === H && full.shape[2] === W
      ? full
      : tf.slice(full, [0, top, left, 0], [B, H, W, Ci]);
  });
}
