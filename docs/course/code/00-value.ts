/**
 * Value — a scalar that remembers how it was computed, so that it can compute its gradient.
 * Chapter 0 of the course (docs/course/00-scalar-autograd.md); after micrograd (Karpathy, 2020).
 * This file is the whole autograd engine of the chapter: about 50 lines.
 */
// #region value
export class Value {
  data: number;
  /** dL/d(this value), filled in by backward(). */
  grad = 0;
  /** The values this one was computed from: the edges of the graph. */
  readonly children: readonly Value[];
  /** Adds this node's share to its children's gradients: the chain rule for one op. */
  backwardStep: () => void = () => {};

  constructor(data: number, children: readonly Value[] = []) {
    this.data = data;
    this.children = children;
  }

  add(other: Value | number): Value {
    const b = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data + b.data, [this, b]);
    out.backwardStep = () => {
      this.grad += out.grad; // d(a + b)/da = 1
      b.grad += out.grad; //    d(a + b)/db = 1
    };
    return out;
  }

  mul(other: Value | number): Value {
    const b = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data * b.data, [this, b]);
    out.backwardStep = () => {
      this.grad += b.data * out.grad; // d(a·b)/da = b
      b.grad += this.data * out.grad; // d(a·b)/db = a
    };
    return out;
  }
  // #endregion

  // #region more-ops
  pow(k: number): Value {
    const out = new Value(this.data ** k, [this]);
    out.backwardStep = () => {
      this.grad += k * this.data ** (k - 1) * out.grad; // d(xᵏ)/dx = k·xᵏ⁻¹
    };
    return out;
  }

  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this]);
    out.backwardStep = () => {
      this.grad += (1 - t * t) * out.grad; // d tanh(x)/dx = 1 − tanh(x)²
    };
    return out;
  }
  // #endregion

  // #region backward
  /** Fills in `grad` for every value this one depends on (reverse-mode differentiation). */
  backward(): void {
    const order: Value[] = []; // each value after everything it was computed from
    const seen = new Set<Value>();
    const visit = (v: Value): void => {
      if (seen.has(v)) return;
      seen.add(v);
      for (const child of v.children) visit(child);
      order.push(v);
    };
    visit(this);
    this.grad = 1; // dL/dL
    for (const v of order.reverse()) v.backwardStep();
  }
  // #endregion
}
