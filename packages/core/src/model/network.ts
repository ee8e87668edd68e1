/**
 * The Geo-R model: a small CNN backbone and an autoregressive Chain-of-Region decoder.
 *
 *   features f = CNN(image)
 *   p(country | f)                          country head
 *   p(admin-1 | f, emb(country))            masked to the admin-1 units of that country
 *   p(place | f, emb(admin-1))              masked to the geocells of that admin-1
 *   offset(f, emb(place), emb(admin-1))     (north, east) from the place's centre, in 100 km
 *
 * With `headSkip` (the default) the admin-1 and place logits also get a linear term of f alone.
 * log p(chain) = Σ of the level log-probabilities. Baselines share the backbone: `flat`
 * (one geocell classifier + the same offset head) and `regress` (xyz on the unit sphere).
 * Weights are plain tf.Variables initialised from a seeded generator, so a seed fixes a model.
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../util/random.ts";
import { isFrozen, type ModelConfig } from "./config.ts";
import { chainMasks, type Vocab } from "./vocab.ts";

export interface InputSpec {
  /** Image input (for a frozen backbone: the backbone's image input). */
  height: number;
  width: number;
  channels: number;
  /** Set for frozen backbones: the model's input is this many features per image. */
  featureDim?: number;
  /** Per-channel mean and std of the training images (0–255 scale). */
  mean: number[];
  std: number[];
}

/** Normal(0, 1) values from a seeded generator (Box–Muller). */
function normals(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

export class GeoModel {
  readonly variables = new Map<string, tf.Variable>();
  private masks: { countryAdmin1: tf.Tensor2D; admin1Cell: tf.Tensor2D } | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly vocab: Vocab,
    readonly input: InputSpec,
    seed: number,
  ) {
    const rand = mulberry32(seed * 2654435761 + 17);
    // He-normal weights, zero biases; created in a fixed order so a seed fixes every value.
    const weight = (name: string, shape: number[], fanIn: number) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = normals(n, rand).map((x) => x * Math.sqrt(2 / fanIn));
      // Unnamed: tfjs variable names are global, and several models live in one process.
      this.variables.set(name, tf.variable(tf.tensor(values, shape), true));
    };
    const bias = (name: string, n: number) => this.variables.set(name, tf.variable(tf.zeros([n]), true));
    let ch = input.channels;
    if (isFrozen(config)) {
      if (!input.featureDim) throw new Error(`backbone ${config.backbone} needs input.featureDim`);
      ch = input.featureDim;
    } else {
      config.convWidths.forEach((w, i) => {
        weight(`conv${i}/w`, [3, 3, ch, w], 9 * ch);
        bias(`conv${i}/b`, w);
        ch = w;
      });
    }
    const F = config.featureDim;
    const E = config.embedDim;
    const H = config.headHidden;
    weight("feat/w", [ch, F], ch);
    bias("feat/b", F);
    const nC = vocab.countries.length;
    const nA = vocab.admin1.length;
    const nK = vocab.cells.length;
    if (config.head === "chain") {
      weight("country/w", [F, nC], F);
      bias("country/b", nC);
      weight("country/emb", [nC, E], E);
      weight("admin1/h", [F + E, H], F + E);
      bias("admin1/hb", H);
      weight("admin1/w", [H, nA], H);
      bias("admin1/b", nA);
      weight("admin1/emb", [nA, E], E);
      weight("cell/h", [F + E, H], F + E);
      bias("cell/hb", H);
      weight("cell/w", [H, nK], H);
      bias("cell/b", nK);
      if (config.headSkip) {
        weight("admin1/skip", [F, nA], F);
        weight("cell/skip", [F, nK], F);
      }
    } else if (config.head === "flat") {
      weight("cell/w", [F, nK], F);
      bias("cell/b", nK);
    } else {
      weight("xyz/w", [F, 3], F);
      bias("xyz/b", 3);
    }
    if (config.head !== "regress") {
      weight("cell/emb", [nK, E], E);
      const offsetIn = F + (this.offsetSeesAdmin1 ? 2 * E : E);
      weight("offset/h", [offsetIn, H], offsetIn);
      bias("offset/hb", H);
      weight("offset/w", [H, 2], H);
      bias("offset/b", 2);
    }
  }

  /** Whether the offset head is conditioned on the admin-1 token as well as the place. */
  get offsetSeesAdmin1(): boolean {
    return this.config.head === "chain" && this.config.offsetAdmin1;
  }

  v(name: string): tf.Variable {
    const t = this.variables.get(name);
    if (!t) throw new Error(`model has no variable ${name} (head ${this.config.head})`);
    return t;
  }

  private chainMasks(): { countryAdmin1: tf.Tensor2D; admin1Cell: tf.Tensor2D } {
    if (!this.masks) {
      const m = chainMasks(this.vocab);
      this.masks = {
        countryAdmin1: tf.keep(tf.tensor2d(m.countryAdmin1, [this.vocab.countries.length, this.vocab.admin1.length])),
        admin1Cell: tf.keep(tf.tensor2d(m.admin1Cell, [this.vocab.admin1.length, this.vocab.cells.length])),
      };
    }
    return this.masks;
  }

  /** uint8 images [B, H, W, C] (flat) → normalised float tensor. */
  prepare(images: Uint8Array, batch: number): tf.Tensor4D {
    const { height, width, channels, mean, std } = this.input;
    const n = batch * height * width * channels;
    if (images.length < n) throw new RangeError(`expected ${n} image bytes for ${batch} images, got ${images.length}`);
    const out = new Float32Array(n);
    const scale = std.map((s) => 1 / Math.max(s, 1e-3));
    for (let i = 0; i < n; i++) {
      const c = i % channels;
      out[i] = (images[i] - mean[c]) * scale[c];
    }
    return tf.tensor4d(out, [batch, height, width, channels]);
  }

  /** Frozen-backbone features [batch × featureDim] → input tensor. */
  prepareFeatures(features: Float32Array, batch: number): tf.Tensor2D {
    return tf.tensor2d(features.subarray(0, batch * (this.input.featureDim ?? 0)), [batch, this.input.featureDim ?? 0]);
  }

  /**
   * Image features: for the CNN, 3×3 convs with ReLU and global average pooling; for a frozen
   * backbone, its cached features. Then a dense ReLU layer.
   */
  features(x: tf.Tensor): tf.Tensor2D {
    if (isFrozen(this.config)) {
      return tf.fused.matMul({
        a: x as tf.Tensor2D,
        b: this.v("feat/w") as tf.Tensor2D,
        bias: this.v("feat/b"),
        activation: "relu",
      }) as tf.Tensor2D;
    }
    let h = x as tf.Tensor4D;
    this.config.convWidths.forEach((_, i) => {
      h = tf.fused.conv2d({
        x: h,
        filter: this.v(`conv${i}/w`) as tf.Tensor4D,
        strides: this.config.convStrides[i] ?? 1,
        pad: "same",
        bias: this.v(`conv${i}/b`),
        activation: "relu",
      });
    });
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return tf.fused.matMul({
      a: pooled,
      b: this.v("feat/w") as tf.Tensor2D,
      bias: this.v("feat/b"),
      activation: "relu",
    }) as tf.Tensor2D;
  }

  private conditioned(f: tf.Tensor2D, emb: string, idx: tf.Tensor1D, prefix: string): tf.Tensor2D {
    const e = tf.gather(this.v(emb), idx) as tf.Tensor2D;
    return tf.fused.matMul({
      a: tf.concat([f, e], 1),
      b: this.v(`${prefix}/h`) as tf.Tensor2D,
      bias: this.v(`${prefix}/hb`),
      activation: "relu",
    }) as tf.Tensor2D;
  }

  countryLogits(f: tf.Tensor2D): tf.Tensor2D {
    return tf.fused.matMul({ a: f, b: this.v("country/w") as tf.Tensor2D, bias: this.v("country/b") }) as tf.Tensor2D;
  }

  /** Admin-1 logits given the country token, masked to that country's units. */
  admin1Logits(f: tf.Tensor2D, country: tf.Tensor1D): tf.Tensor2D {
    const h = this.conditioned(f, "country/emb", country, "admin1");
    let logits = tf.fused.matMul({ a: h, b: this.v("admin1/w") as tf.Tensor2D, bias: this.v("admin1/b") });
    if (this.config.headSkip) logits = tf.add(logits, tf.matMul(f, this.v("admin1/skip") as tf.Tensor2D));
    return tf.add(logits, tf.gather(this.chainMasks().countryAdmin1, country)) as tf.Tensor2D;
  }

  /** Place (geocell) logits given the admin-1 token (chain), or from the features alone (flat). */
  cellLogits(f: tf.Tensor2D, admin1?: tf.Tensor1D): tf.Tensor2D {
    if (this.config.head === "flat") {
      return tf.fused.matMul({ a: f, b: this.v("cell/w") as tf.Tensor2D, bias: this.v("cell/b") }) as tf.Tensor2D;
    }
    if (!admin1) throw new Error("the chain head needs the admin-1 token to score places");
    const h = this.conditioned(f, "admin1/emb", admin1, "cell");
    let logits = tf.fused.matMul({ a: h, b: this.v("cell/w") as tf.Tensor2D, bias: this.v("cell/b") });
    if (this.config.headSkip) logits = tf.add(logits, tf.matMul(f, this.v("cell/skip") as tf.Tensor2D));
    return tf.add(logits, tf.gather(this.chainMasks().admin1Cell, admin1)) as tf.Tensor2D;
  }

  /**
   * (north, east) offset from the place's centre, in units of 100 km; the chain head passes the
   * admin-1 token too (used when `offsetAdmin1` is set).
   */
  offset(f: tf.Tensor2D, cell: tf.Tensor1D, admin1?: tf.Tensor1D): tf.Tensor2D {
    let h: tf.Tensor2D;
    if (this.offsetSeesAdmin1) {
      if (!admin1) throw new Error("this model's offset head needs the admin-1 token");
      h = tf.fused.matMul({
        a: tf.concat([f, tf.gather(this.v("cell/emb"), cell), tf.gather(this.v("admin1/emb"), admin1)], 1),
        b: this.v("offset/h") as tf.Tensor2D,
        bias: this.v("offset/hb"),
        activation: "relu",
      }) as tf.Tensor2D;
    } else {
      h = this.conditioned(f, "cell/emb", cell, "offset");
    }
    return tf.fused.matMul({ a: h, b: this.v("offset/w") as tf.Tensor2D, bias: this.v("offset/b") }) as tf.Tensor2D;
  }

  /** Unit-sphere direction (regress head), normalised. */
  xyz(f: tf.Tensor2D): tf.Tensor2D {
    const raw = tf.fused.matMul({ a: f, b: this.v("xyz/w") as tf.Tensor2D, bias: this.v("xyz/b") });
    return tf.div(raw, tf.add(tf.norm(raw, 2, 1, true), 1e-6)) as tf.Tensor2D;
  }

  /** The trainable variables in a fixed order (the order optimizer slots are kept in). */
  get variableList(): tf.Variable[] {
    return [...this.variables.values()];
  }

  /** Number of trainable values. */
  get parameterCount(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.masks?.countryAdmin1.dispose();
    this.masks?.admin1Cell.dispose();
    this.masks = null;
  }
}
