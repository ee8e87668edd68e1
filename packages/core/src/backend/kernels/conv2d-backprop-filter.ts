/**
 * Conv2DBackpropFilter for the wasm backend (it has none), from existing ops.
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} xpad[b, oh·sh + kh, ow·sw + kw, ci] · dy[b, oh, ow, co]
 *
 * is itself a convolution with the roles of batch and channels swapped: with
 * X' = transpose(xpad) [Ci, Hp, Wp, B] and F' = transpose(dy) [OH, OW, B, Co],
 * conv2d(X', F', stride 1, 'valid', dilation = stride) = [Ci, ≥KH, ≥KW, Co]; keep the first
 * KH × KW and transpose to [KH, KW, Ci, Co]. Every multiply goes through the fast Conv2D kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { asTensor } from "./as-tensor.ts";

interface Attrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
  dataFormat?: string;
}

export function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const attrs = args.attrs as unknown as Attrs;
  if (attrs.dataFormat && attrs.dataFormat !== "NHWC") {
    throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${attrs.dataFormat}`);
  }
  const x = asTensor(args.inputs.x as tf.TensorInfo) as tf.Tensor4D;
  const dy = asTensor(args.inputs.dy as tf.TensorInfo) as tf.Tensor4D;
  const [KH, KW] = attrs.filterShape;
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      attrs.filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      "channelsLast",
    );
    if (info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2]) {
      throw new Error(`Conv2DBackpropFilter (wasm): dy ${dy.shape} does not match the convolution of x ${x.shape}`);
    }
    const { top, bottom, left, right } = info.padInfo;
    const xp =
      top || bottom || left || right
        ? tf.pad(x, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ])
        : x;
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const ft = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const r = tf.conv2d(xt, ft, 1, "valid", "NHWC", [info.strideHeight, info.strideWidth]);
    const cropped = r.shape[1] === KH && r.shape[2] === KW ? r : tf.slice(r, [0, 0, 0, 0], [-1, KH, KW, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}
