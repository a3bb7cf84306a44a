/**
 * The cart-pole's equations of motion written as an ONNX graph: a learned-dynamics stand-in whose
 * answer is known, for tests and benchmarks of planning with ONNX dynamics. State (x, θ, ẋ, θ̇) with θ
 * the hinge angle from hanging; the pole is a uniform rod of length 2l (J = 4/3 m l² about the pivot):
 *   (M+m) ẍ − m l cos θ θ̈ = F − m l sin θ θ̇²
 *   −m l cos θ ẍ + J θ̈   = −m g l sin θ
 * integrated with semi-implicit Euler in `substeps` steps per control period.
 */
import { GraphBuilder } from '../../models/onnx-builder.ts';

export interface CartpoleModelOptions {
  cartMass: number;
  poleMass: number;
  poleLength: number;
  maxForce: number;
  controlDt: number;
  substeps?: number;
}

export function cartpoleDynamicsModel(o: CartpoleModelOptions): Uint8Array {
  const g = new GraphBuilder('cartpole-dynamics');
  const state = g.input('state', ['batch', 4]);
  const action = g.input('action', ['batch', 1]);
  let constants = 0;
  const k = (value: number) => g.constant(`k${constants++}`, Float32Array.of(value), [1]);
  const column = (i: number) => g.op('MatMul', [state, g.constant(`e${i}`, Float32Array.from({ length: 4 }, (_, j) => (j === i ? 1 : 0)), [4, 1])]);
  const mul = (a: string, b: string) => g.op('Mul', [a, b]);
  const add = (a: string, b: string) => g.op('Add', [a, b]);
  const sub = (a: string, b: string) => g.op('Sub', [a, b]);
  const div = (a: string, b: string) => g.op('Div', [a, b]);

  const l = o.poleLength / 2;
  const M = o.cartMass;
  const m = o.poleMass;
  const J = (4 / 3) * m * l * l;
  const substeps = o.substeps ?? 2;
  const dt = k(o.controlDt / substeps);
  let [x, q, v, w] = [column(0), column(1), column(2), column(3)];
  const force = mul(g.op('Clip', [action, k(-1), k(1)]), k(o.maxForce));
  for (let s = 0; s < substeps; s++) {
    const sin = g.op('Sin', [q]);
    const cos = g.op('Cos', [q]);
    const b0 = sub(force, mul(k(m * l), mul(sin, mul(w, w))));
    const b1 = mul(k(-m * 9.81 * l), sin);
    const det = sub(k((M + m) * J), mul(k(m * m * l * l), mul(cos, cos)));
    const xdd = div(add(mul(k(J), b0), mul(k(m * l), mul(cos, b1))), det);
    const qdd = div(add(mul(k(m * l), mul(cos, b0)), mul(k(M + m), b1)), det);
    v = add(v, mul(xdd, dt));
    w = add(w, mul(qdd, dt));
    x = add(x, mul(v, dt));
    q = add(q, mul(w, dt));
  }
  g.output(g.op('Concat', [x, q, v, w], { axis: { i: 1 } }), 'next_state', ['batch', 4]);
  return g.toBytes();
}
