/**
 * The Geo-R model: a small CNN backbone and an autoregressive Chain-of-Region decoder.
 *
 *   features f = CNN(image)
 *   p(country | f)                          country head
 *   p(admin-1 | f, emb(country))            masked to the admin-1 units of that country
 *   p(place | f, emb(admin-1))              masked to the geocells of that admin-1
 *   offset(f, emb(place), emb(admin-1))     (north, east) from the place's centre, in 100 km
 *
 * With `headSkip` (the default) the admin-1 and place logits also get a linear term of f alone,
 * and with countryHead "regions" (the default) a country's logit adds the log of its admin-1
 * classes' mass under that term, so the chain holds the flat classifier as a special case. The
 * place head scores only the places that share an admin-1 class with another place (placeHead
 * "auto"); where none do, the place follows from the admin-1 class and the level has no layers.
 * log p(chain) = Σ of the level log-probabilities. Baselines share the backbone: `flat`
 * (one geocell classifier + the same offset head) and `regress` (xyz on the unit sphere).
 * Weights are plain tf.Variables initialised from a seeded generator, so a seed fixes a model.
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../util/random.ts";
import { assertModelConfig, isFrozen, type ModelConfig } from "./config.ts";
import { chainMasks, placesOfAdmin1, type Vocab } from "./vocab.ts";

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

/**
 * The places that share an admin-1 class with another place, given each class's places; null
 * when they are most of the places (a head over all of them is then cheaper than scattering its
 * columns).
 */
function contestedPlaces(placesOf: number[][], nK: number): Int32Array | null {
  const contested = new Uint8Array(nK);
  for (const places of placesOf) if (places.length > 1) for (const k of places) contested[k] = 1;
  const cols = Int32Array.from({ length: nK }, (_, k) => k).filter((k) => contested[k] === 1);
  return cols.length * 2 > nK ? null : cols;
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
  /**
   * Chain head, the places its place head scores. A place's logit matters only where its admin-1
   * class holds another place too; elsewhere the place is implied (probability 1 whatever its
   * logit). With `placeHead` "auto" the head scores just those contested places, and has no layers
   * when there are none; null = every place ("always", flat, or when most places are contested).
   */
  readonly placeColumns: Int32Array | null;
  /** Per admin-1 class: 1 when it holds more than one place (its place level has a choice). */
  private readonly admin1Choice: Uint8Array;
  /** [contested places × places] 0/1: puts the head's columns at their places. */
  private placeScatter: tf.Tensor2D | null = null;
  /** [admin-1 × country] 1 where the admin-1 class lies in the country (countryHead "regions"). */
  private membership: tf.Tensor2D | null = null;

  constructor(
    readonly config: ModelConfig,
    readonly vocab: Vocab,
    readonly input: InputSpec,
    seed: number,
  ) {
    assertModelConfig(config);
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
    const placesOf = config.head === "chain" ? placesOfAdmin1(vocab) : null;
    this.admin1Choice = Uint8Array.from({ length: nA }, (_, a) => ((placesOf?.[a].length ?? 0) > 1 ? 1 : 0));
    this.placeColumns = placesOf && config.placeHead === "auto" ? contestedPlaces(placesOf, nK) : null;
    const nP = this.placeColumns?.length ?? nK;
    if (config.head === "chain") {
      if (config.countryHead === "mlp") {
        weight("country/h", [F, H], F);
        bias("country/hb", H);
        weight("country/w", [H, nC], H);
      } else {
        weight("country/w", [F, nC], F);
      }
      bias("country/b", nC);
      weight("country/emb", [nC, E], E);
      weight("admin1/h", [F + E, H], F + E);
      bias("admin1/hb", H);
      weight("admin1/w", [H, nA], H);
      bias("admin1/b", nA);
      if (nP > 0 || config.offsetAdmin1) weight("admin1/emb", [nA, E], E);
      if (nP > 0) {
        weight("cell/h", [F + E, H], F + E);
        bias("cell/hb", H);
        weight("cell/w", [H, nP], H);
        bias("cell/b", nP);
      }
      if (config.headSkip) {
        weight("admin1/skip", [F, nA], F);
        if (nP > 0) weight("cell/skip", [F, nP], F);
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

  /** Whether the chain's place level has a choice under this admin-1 class (it holds several places). */
  placeHasChoice(admin1: number): boolean {
    return this.admin1Choice[admin1] === 1;
  }

  /** The chain's place level has no choice anywhere: every admin-1 class holds one place. */
  get placeImplied(): boolean {
    return this.placeColumns?.length === 0;
  }

  private scatterOfPlaces(): tf.Tensor2D {
    if (!this.placeScatter) {
      const cols = this.placeColumns ?? new Int32Array(0);
      const nK = this.vocab.cells.length;
      const m = new Float32Array(cols.length * nK);
      cols.forEach((k, j) => {
        m[j * nK + k] = 1;
      });
      this.placeScatter = tf.keep(tf.tensor2d(m, [cols.length, nK]));
    }
    return this.placeScatter;
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

  /**
   * The admin-1 level's linear term of the features alone (`headSkip`). The country level reads it
   * too with countryHead "regions"; callers scoring both levels of one batch may compute it once
   * and pass it to both.
   */
  admin1Skip(f: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(f, this.v("admin1/skip") as tf.Tensor2D);
  }

  /** The admin-1 skip term when both the country and the admin-1 level read it, else undefined. */
  sharedSkip(f: tf.Tensor2D): tf.Tensor2D | undefined {
    return this.config.headSkip && this.config.countryHead === "regions" ? this.admin1Skip(f) : undefined;
  }

  countryLogits(f: tf.Tensor2D, skip?: tf.Tensor2D): tf.Tensor2D {
    const kind = this.config.countryHead;
    const h =
      kind === "mlp"
        ? (tf.fused.matMul({
            a: f,
            b: this.v("country/h") as tf.Tensor2D,
            bias: this.v("country/hb"),
            activation: "relu",
          }) as tf.Tensor2D)
        : f;
    const logits = tf.fused.matMul({ a: h, b: this.v("country/w") as tf.Tensor2D, bias: this.v("country/b") });
    if (kind !== "regions") return logits as tf.Tensor2D;
    // log Σ_{a ∈ c} exp(skip_a): the country's mass under the admin-1 skip scores, stabilised by the
    // row max (whose gradient cancels exactly: d/dtop of log Σ exp(s − top) + top is 0).
    const s = skip ?? this.admin1Skip(f);
    const top = tf.max(s, 1, true);
    const mass = tf.matMul(tf.exp(tf.sub(s, top)), this.countryMembership());
    return tf.add(logits, tf.add(tf.log(tf.add(mass, 1e-30)), top)) as tf.Tensor2D;
  }

  private countryMembership(): tf.Tensor2D {
    if (!this.membership) {
      const nC = this.vocab.countries.length;
      const nA = this.vocab.admin1.length;
      const out = new Float32Array(nA * nC);
      this.vocab.admin1.forEach((unit, a) => {
        out[a * nC + unit.country] = 1;
      });
      this.membership = tf.keep(tf.tensor2d(out, [nA, nC]));
    }
    return this.membership;
  }

  /** Admin-1 logits given the country token, masked to that country's units. */
  admin1Logits(f: tf.Tensor2D, country: tf.Tensor1D, skip?: tf.Tensor2D): tf.Tensor2D {
    const h = this.conditioned(f, "country/emb", country, "admin1");
    let logits = tf.fused.matMul({ a: h, b: this.v("admin1/w") as tf.Tensor2D, bias: this.v("admin1/b") });
    if (this.config.headSkip) logits = tf.add(logits, skip ?? this.admin1Skip(f));
    return tf.add(logits, tf.gather(this.chainMasks().countryAdmin1, country)) as tf.Tensor2D;
  }

  /** Place (geocell) logits given the admin-1 token (chain), or from the features alone (flat). */
  cellLogits(f: tf.Tensor2D, admin1?: tf.Tensor1D): tf.Tensor2D {
    if (this.config.head === "flat") {
      return tf.fused.matMul({ a: f, b: this.v("cell/w") as tf.Tensor2D, bias: this.v("cell/b") }) as tf.Tensor2D;
    }
    if (!admin1) throw new Error("the chain head needs the admin-1 token to score places");
    const mask = tf.gather(this.chainMasks().admin1Cell, admin1) as tf.Tensor2D;
    // Every admin-1 class's one place: logit 0 there, the mask's −1e9 elsewhere (probability 1).
    if (this.placeImplied) return mask;
    const h = this.conditioned(f, "admin1/emb", admin1, "cell");
    let logits = tf.fused.matMul({ a: h, b: this.v("cell/w") as tf.Tensor2D, bias: this.v("cell/b") });
    if (this.config.headSkip) logits = tf.add(logits, tf.matMul(f, this.v("cell/skip") as tf.Tensor2D));
    if (this.placeColumns) logits = tf.matMul(logits, this.scatterOfPlaces());
    return tf.add(logits, mask) as tf.Tensor2D;
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
    this.membership?.dispose();
    this.membership = null;
    this.placeScatter?.dispose();
    this.placeScatter = null;
  }
}
