/**
 * The 3D view of a scene description: one group per body (posed from frames), its geoms, goal
 * markers, the planner's traces, joint frames and contacts on request, an orbit camera with presets,
 * a floor under robots that bring none. Double-click picks a body for the inspector; Ctrl+drag pulls
 * a moving body with a spring, as MuJoCo simulate's Ctrl+right-drag. Renders on change only, never in
 * a busy loop, and counts what it renders (frames per second).
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { FrameEvent, PlanEvent } from '../../protocol/api.ts';
import { floatingBase, type GeomDesc, type SceneDescription } from '../../protocol/scene.ts';
import { ContactOverlay, type ContactStats } from './contact-overlay.ts';
import { jointFrame } from './joint-frame.ts';

export interface ViewOptions {
  showCollision: boolean;
  showPlan: boolean;
  showJointFrames: boolean;
  showContacts: boolean;
  /** Keep a walking robot's base in view: the camera moves with it over the ground. */
  follow: boolean;
}

export type CameraPreset = 'fit' | 'top' | 'side';

/** A pull on a body: a point on it (body frame) and where it is pulled to (world). */
export interface Pull {
  body: number;
  anchor: [number, number, number];
  target: [number, number, number];
}

export interface ViewCallbacks {
  /** A body was double-clicked (undefined: empty space). */
  onSelect?(body: number | undefined): void;
  /** A pull started or moved (undefined: released). */
  onPull?(pull: Pull | undefined): void;
}

/** What the overlays show, for the viewport's legend. */
export interface OverlayStats extends ContactStats {
  jointFrames: number;
  /** Bodies of the ghost drawn (the other engine's run, FrameEvent.ghost); 0 when none runs. */
  ghostBodies: number;
}

/** The ghost: the scene's shapes again, translucent, posed by the other engine's run. */
const GHOST_COLOR = '#7fd4ff';
const GHOST_OPACITY = 0.35;

export class SceneView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(45, 1, 0.01, 200);
  private readonly controls: OrbitControls;
  private readonly content = new THREE.Group();
  private bodies: THREE.Group[] = [];
  private ghosts: THREE.Group[] = [];
  private ghostShown = false;
  /** What the camera frames: the moving bodies and the markers, not floors and rails. */
  private focus: THREE.Object3D[] = [];
  private collisionMeshes: THREE.Object3D[] = [];
  private jointFrames: THREE.Object3D[] = [];
  private readonly contacts = new ContactOverlay();
  private contactStats: ContactStats = { contacts: 0, totalForce: 0 };
  private readonly statsListeners = new Set<(stats: OverlayStats) => void>();
  private readonly samples = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0x6aa9ff, transparent: true, opacity: 0.18 }));
  private readonly best = new THREE.Line(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0xffd54a }));
  private pending = false;
  /** The scene the camera was framed for: a new task frames anew, a resized pole does not. */
  private framedScene: string | undefined;
  private readonly resizeObserver: ResizeObserver;
  private options: ViewOptions = { showCollision: false, showPlan: true, showJointFrames: false, showContacts: false, follow: true };
  /** The floating base a following camera tracks (robots with a free root body), and where it last was. */
  private followBody: number | undefined;
  private followedAt: THREE.Vector3 | undefined;
  private movable: boolean[] = [];
  private readonly floor: THREE.Mesh;
  /** 10 m, 40 cells at scale 1; scaled so an arm gets centimetre cells and a quadruped 25 cm ones. */
  private readonly grid: THREE.GridHelper;
  private selected: number | undefined;
  private pull: (Pull & { plane: THREE.Plane }) | undefined;
  private readonly pullLine = new THREE.Line(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0xff6b9a, depthTest: false }));
  private readonly pullTip = new THREE.Mesh(new THREE.SphereGeometry(1, 12, 8), new THREE.MeshBasicMaterial({ color: 0xff6b9a, depthTest: false }));
  private readonly raycaster = new THREE.Raycaster();
  /** Render times of the last second (ms), for the frames-per-second readout. */
  private readonly renders: number[] = [];
  callbacks: ViewCallbacks = {};
  /** WebGL runs on the CPU here (no GPU, or a blocked driver): the frame rate says so. */
  readonly software: boolean;

  constructor(private readonly container: HTMLElement) {
    this.software = softwareRendering();
    // Drawn on the CPU, multisampling and high-DPI pixels cost frames a user sees: render plain there.
    this.renderer = new THREE.WebGLRenderer({ antialias: !this.software, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(this.software ? 1 : Math.min(2, window.devicePixelRatio));
    this.renderer.setClearColor(0x14171c);
    container.appendChild(this.renderer.domElement);
    this.camera.up.set(0, 0, 1);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.addEventListener('change', () => this.requestRender());
    this.scene.add(new THREE.HemisphereLight(0xdde6ff, 0x30343a, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.8);
    sun.position.set(3, -4, 6);
    this.scene.add(sun);
    const grid = (this.grid = new THREE.GridHelper(10, 40, 0x3c4450, 0x262b33));
    grid.rotation.x = Math.PI / 2; // the grid lies in the xy plane: z is up
    grid.position.z = 0.001; // just above a ground plane at z = 0
    // A floor (a table top for an arm) under robots whose scene brings no ground: just below z = 0,
    // so a scene's own ground covers it.
    this.floor = new THREE.Mesh(new THREE.CircleGeometry(5, 64), new THREE.MeshStandardMaterial({ color: 0x2a3038, roughness: 0.95, metalness: 0 }));
    this.floor.position.z = -0.002;
    this.floor.name = 'floor';
    this.pullLine.renderOrder = this.pullTip.renderOrder = 10;
    this.pullLine.visible = this.pullTip.visible = false;
    this.scene.add(this.floor, grid, this.content, this.samples, this.best, this.contacts.object, this.pullLine, this.pullTip);
    container.addEventListener('pointerdown', this.onPointerDown, { capture: true });
    container.addEventListener('dblclick', this.onDoubleClick);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  setOptions(options: ViewOptions): void {
    this.options = options;
    for (const m of this.collisionMeshes) m.visible = options.showCollision;
    for (const f of this.jointFrames) f.visible = options.showJointFrames;
    this.samples.visible = this.best.visible = options.showPlan;
    this.contacts.object.visible = options.showContacts;
    if (!options.showContacts) this.showContacts(undefined);
    this.publishStats();
    this.requestRender();
  }

  /** Calls `listener` whenever what the overlays show changes; returns the unsubscribe. */
  onOverlayStats(listener: (stats: OverlayStats) => void): () => void {
    this.statsListeners.add(listener);
    listener(this.overlayStats());
    return () => {
      this.statsListeners.delete(listener);
    };
  }

  /** Rebuilds everything drawn for a new scene description. */
  setScene(description: SceneDescription): void {
    this.disposeContent();
    const meshes = new Map<string, THREE.BufferGeometry>();
    for (const body of description.bodies) {
      const group = new THREE.Group();
      group.name = body.name;
      group.position.set(...body.pose.position);
      group.quaternion.set(...body.pose.rotation);
      for (const geom of body.geoms) {
        const mesh = this.geomMesh(geom, description, meshes);
        if (!mesh) continue;
        if (geom.collisionOnly) {
          mesh.visible = this.options.showCollision;
          this.collisionMeshes.push(mesh);
        }
        group.add(mesh);
      }
      this.content.add(group);
      this.bodies.push(group);
      if (body.kind === 'dynamic') this.focus.push(group);
    }
    this.ghosts = this.bodies.map((group, b) => this.ghostOf(group, description.bodies[b]!.kind === 'dynamic'));
    this.ghostShown = false;
    for (const marker of description.markers) {
      const m = new THREE.Mesh(new THREE.SphereGeometry(marker.radius, 24, 16), new THREE.MeshStandardMaterial({ color: marker.color, transparent: true, opacity: 0.55 }));
      m.position.set(...marker.position);
      this.content.add(m);
      this.focus.push(m);
    }
    this.movable = description.bodies.map((b) => b.kind === 'dynamic');
    if (this.selected !== undefined && this.selected >= this.bodies.length) this.selected = undefined;
    this.highlight();
    this.endPull(false);
    // Only robots: a scene of loose bodies (push-box) has no base to follow.
    this.followBody = description.joints.length ? floatingBase(description) : undefined;
    this.followedAt = undefined;
    if (description.name !== this.framedScene) {
      this.framedScene = description.name;
      this.frameCamera();
    }
    // Overlays sized to what the camera frames: a few centimetres on an arm, more on a quadruped.
    const size = this.focusSize();
    this.contacts.arrowLength = 0.2 * size;
    this.grid.scale.setScalar(gridScale(size));
    this.contacts.clear();
    for (const joint of description.joints) {
      const parent = this.bodies[joint.parent];
      if (!parent) continue;
      const frame = jointFrame(joint, Math.min(0.3, Math.max(0.03, 0.08 * size)));
      frame.visible = this.options.showJointFrames;
      parent.add(frame);
      this.jointFrames.push(frame);
    }
    this.contactStats = { contacts: 0, totalForce: 0 };
    this.publishStats();
    this.requestRender();
  }

  applyFrame(frame: FrameEvent): void {
    setPoses(this.bodies, frame.poses);
    if (frame.ghost) setPoses(this.ghosts, frame.ghost);
    if (!!frame.ghost !== this.ghostShown) {
      this.ghostShown = !!frame.ghost;
      for (const g of this.ghosts) g.visible = this.ghostShown;
      this.publishStats();
    }
    if (this.options.showContacts) this.showContacts(frame.contacts);
    this.followBase();
    this.drawPull();
    this.requestRender();
  }

  /** Frames rendered over the last second. */
  fps(now = performance.now()): number {
    while (this.renders.length && this.renders[0]! < now - 1000) this.renders.shift();
    return this.renders.length;
  }

  /** Where a body is drawn now (world, m). */
  bodyPosition(body: number): [number, number, number] | undefined {
    return this.bodies[body]?.position.toArray() as [number, number, number] | undefined;
  }

  /** Marks the inspected body (a tint on its meshes). */
  select(body: number | undefined): void {
    this.selected = body;
    this.highlight();
    this.requestRender();
  }

  /** The camera to a preset view of what it frames: the three-quarter view, from above, or from the side. */
  setCameraPreset(preset: CameraPreset): void {
    const box = this.focusBox();
    if (box.isEmpty()) return;
    const center = box.getCenter(new THREE.Vector3());
    const size = this.focusSize();
    if (preset === 'fit') return this.frameCamera();
    // Straight down leaves the orbit controls no "up": look from a hair south of overhead.
    const offset = preset === 'top' ? new THREE.Vector3(0, -0.001 * size, 2.2 * size) : new THREE.Vector3(0, -2.2 * size, 0.05 * size);
    this.camera.position.copy(center).add(offset);
    this.controls.target.copy(center);
    this.controls.update();
    this.requestRender();
  }

  /** Where a mouse event hits the scene's bodies: the body, the world point, the point in the body frame. */
  private pick(e: MouseEvent): { body: number; point: THREE.Vector3; anchor: THREE.Vector3 } | undefined {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera);
    for (const hit of this.raycaster.intersectObjects(this.bodies, true)) {
      if (!visible(hit.object)) continue;
      let o: THREE.Object3D | null = hit.object;
      while (o && !this.bodies.includes(o as THREE.Group)) o = o.parent;
      if (!o) continue;
      const body = this.bodies.indexOf(o as THREE.Group);
      return { body, point: hit.point.clone(), anchor: o.worldToLocal(hit.point.clone()) };
    }
    return undefined;
  }

  private readonly onDoubleClick = (e: MouseEvent) => {
    const hit = this.pick(e);
    this.select(hit?.body);
    this.callbacks.onSelect?.(hit?.body);
  };

  /** Ctrl (or ⌘) + drag on a moving body pulls it; anything else is the orbit controls' drag. */
  private readonly onPointerDown = (e: PointerEvent) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const hit = this.pick(e);
    if (!hit || !this.movable[hit.body]) return;
    e.preventDefault();
    e.stopPropagation();
    this.controls.enabled = false;
    const normal = this.camera.getWorldDirection(new THREE.Vector3()).negate();
    const target = hit.point.toArray() as [number, number, number];
    this.pull = { body: hit.body, anchor: hit.anchor.toArray() as [number, number, number], target, plane: new THREE.Plane().setFromNormalAndCoplanarPoint(normal, hit.point) };
    this.select(hit.body);
    this.callbacks.onSelect?.(hit.body);
    this.callbacks.onPull?.(this.pullOf(this.pull));
    this.drawPull();
    window.addEventListener('pointermove', this.onPointerMove);
    window.addEventListener('pointerup', this.onPointerUp, { once: true });
  };

  private readonly onPointerMove = (e: PointerEvent) => {
    if (!this.pull) return;
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera);
    const at = this.raycaster.ray.intersectPlane(this.pull.plane, new THREE.Vector3());
    if (!at) return;
    this.pull.target = at.toArray() as [number, number, number];
    this.callbacks.onPull?.(this.pullOf(this.pull));
    this.drawPull();
  };

  private readonly onPointerUp = () => this.endPull(true);

  /** Lets go of a pull (and tells the engine when `notify`). */
  endPull(notify: boolean): void {
    window.removeEventListener('pointermove', this.onPointerMove);
    this.controls.enabled = true;
    if (!this.pull) return;
    this.pull = undefined;
    this.drawPull();
    if (notify) this.callbacks.onPull?.(undefined);
  }

  private pullOf({ body, anchor, target }: Pull): Pull {
    return { body, anchor, target };
  }

  /** The pull as a line from the point held on the body to the target under the mouse. */
  private drawPull(): void {
    const pull = this.pull;
    const body = pull && this.bodies[pull.body];
    this.pullLine.visible = this.pullTip.visible = !!body;
    if (!pull || !body) return this.requestRender();
    const from = body.localToWorld(new THREE.Vector3(...pull.anchor));
    this.pullLine.geometry.setFromPoints([from, new THREE.Vector3(...pull.target)]);
    this.pullTip.position.set(...pull.target);
    this.pullTip.scale.setScalar(0.012 * this.focusSize());
    this.requestRender();
  }

  private highlight(): void {
    this.bodies.forEach((group, i) => {
      group.traverse((o) => {
        if (!(o instanceof THREE.Mesh) || !(o.material instanceof THREE.MeshStandardMaterial)) return;
        o.material.emissive.setHex(i === this.selected ? 0x3a2a00 : 0x000000);
      });
    });
  }

  /** Moves the camera and its target by how far the base moved over the ground since the last frame. */
  private followBase(): void {
    const body = this.followBody === undefined ? undefined : this.bodies[this.followBody];
    if (!body || !this.options.follow) {
      this.followedAt = undefined;
      return;
    }
    const at = body.position.clone().setZ(0);
    if (this.followedAt) {
      const moved = at.clone().sub(this.followedAt);
      this.camera.position.add(moved);
      this.controls.target.add(moved);
      this.controls.update();
    }
    this.followedAt = at;
  }

  applyPlan(plan: PlanEvent): void {
    const { samples, sampleCount, steps, best } = plan;
    const segments = new Float32Array(sampleCount * Math.max(0, steps - 1) * 6);
    let w = 0;
    for (let k = 0; k < sampleCount; k++) {
      for (let h = 0; h + 1 < steps; h++) {
        const a = (k * steps + h) * 3;
        segments.set(samples.subarray(a, a + 6), w);
        w += 6;
      }
    }
    this.samples.geometry.setAttribute('position', new THREE.BufferAttribute(segments, 3));
    this.samples.geometry.computeBoundingSphere();
    this.best.geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(best), 3));
    this.best.geometry.computeBoundingSphere();
    // How many sampled trajectories are drawn, where a test (or a curious user) can read it.
    this.container.dataset.planSamples = String(sampleCount);
    this.requestRender();
  }

  clearPlan(): void {
    this.samples.geometry.deleteAttribute('position');
    this.best.geometry.deleteAttribute('position');
    this.container.dataset.planSamples = '0';
    this.requestRender();
  }

  requestRender(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.renderer.render(this.scene, this.camera);
      this.renders.push(performance.now());
      if (this.renders.length > 240) this.renders.shift();
    });
  }

  dispose(): void {
    this.endPull(false);
    this.container.removeEventListener('pointerdown', this.onPointerDown, { capture: true });
    this.container.removeEventListener('dblclick', this.onDoubleClick);
    this.disposeContent();
    this.contacts.dispose();
    this.statsListeners.clear();
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.renderer.dispose();
    this.renderer.domElement.remove();
  }

  private geomMesh(geom: GeomDesc, scene: SceneDescription, meshes: Map<string, THREE.BufferGeometry>): THREE.Mesh | undefined {
    const s = geom.shape;
    let geometry: THREE.BufferGeometry;
    switch (s.type) {
      case 'box':
        geometry = new THREE.BoxGeometry(s.halfExtents[0] * 2, s.halfExtents[1] * 2, s.halfExtents[2] * 2);
        break;
      case 'sphere':
        geometry = new THREE.SphereGeometry(s.radius, 24, 16);
        break;
      case 'capsule':
        geometry = new THREE.CapsuleGeometry(s.radius, s.halfHeight * 2, 8, 16);
        break;
      case 'cylinder':
        geometry = new THREE.CylinderGeometry(s.radius, s.radius, s.halfHeight * 2, 24);
        break;
      case 'heightfield': {
        // PlaneGeometry's vertices run row by row from +y down, x left to right; the scene's rows from −y up.
        geometry = new THREE.PlaneGeometry(2 * s.halfExtents[0], 2 * s.halfExtents[1], s.cols - 1, s.rows - 1);
        const position = geometry.getAttribute('position') as THREE.BufferAttribute;
        for (let row = 0; row < s.rows; row++) {
          for (let col = 0; col < s.cols; col++) position.setZ(row * s.cols + col, s.heights[(s.rows - 1 - row) * s.cols + col]!);
        }
        geometry.computeVertexNormals();
        break;
      }
      case 'mesh': {
        const data = scene.meshes?.[s.mesh];
        if (!data) return undefined;
        let cached = meshes.get(s.mesh);
        if (!cached) {
          cached = new THREE.BufferGeometry();
          cached.setAttribute('position', new THREE.BufferAttribute(data.positions, 3));
          cached.setIndex(new THREE.BufferAttribute(data.indices, 1));
          cached.computeVertexNormals();
          meshes.set(s.mesh, cached);
        }
        geometry = cached;
        break;
      }
    }
    const material = new THREE.MeshStandardMaterial({
      color: geom.color ?? '#9aa4b2',
      roughness: 0.6,
      metalness: 0.1,
      ...(geom.collisionOnly ? { wireframe: true, color: '#ff6b9a' } : {}),
    });
    const mesh = new THREE.Mesh(geometry, material);
    if (geom.pose) {
      mesh.position.set(...geom.pose.position);
      mesh.quaternion.set(...geom.pose.rotation);
    }
    return mesh;
  }

  private showContacts(packed: Float32Array | undefined): void {
    const stats = this.contacts.update(packed);
    if (stats.contacts === this.contactStats.contacts && stats.totalForce === this.contactStats.totalForce) return;
    this.contactStats = stats;
    this.publishStats();
  }

  private overlayStats(): OverlayStats {
    return { ...this.contactStats, jointFrames: this.jointFrames.length, ghostBodies: this.ghostShown ? this.ghosts.filter((g) => g.children.length).length : 0 };
  }

  private publishStats(): void {
    const stats = this.overlayStats();
    for (const listener of this.statsListeners) listener(stats);
  }

  private focusBox(): THREE.Box3 {
    const box = new THREE.Box3();
    for (const o of this.focus.length ? this.focus : [this.content]) box.expandByObject(o);
    return box;
  }

  /** The diagonal of what the camera frames, m (at least 0.3). */
  private focusSize(): number {
    const box = this.focusBox();
    return box.isEmpty() ? 1 : Math.max(0.3, box.getSize(new THREE.Vector3()).length());
  }

  /** Points the camera at the scene's bodies from a three-quarter view. */
  private frameCamera(): void {
    const box = this.focusBox();
    if (box.isEmpty()) return;
    const center = box.getCenter(new THREE.Vector3());
    const size = this.focusSize();
    this.camera.position.set(center.x + size * 0.9, center.y - size * 1.3, center.z + size * 0.6);
    this.controls.target.copy(center);
    this.controls.update();
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.container;
    if (!w || !h) return;
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /** A moving body's drawn shapes (not its collision-only ones) in one translucent material, hidden until a ghost runs. */
  private ghostOf(body: THREE.Group, moves: boolean): THREE.Group {
    const ghost = new THREE.Group();
    ghost.visible = false;
    if (moves) {
      const material = new THREE.MeshStandardMaterial({ color: GHOST_COLOR, transparent: true, opacity: GHOST_OPACITY, depthWrite: false });
      for (const child of body.children) {
        if (!(child instanceof THREE.Mesh) || this.collisionMeshes.includes(child)) continue;
        const copy = new THREE.Mesh(child.geometry, material);
        copy.position.copy(child.position);
        copy.quaternion.copy(child.quaternion);
        copy.raycast = () => {}; // never picked: clicks select the body itself
        ghost.add(copy);
      }
    }
    this.content.add(ghost);
    return ghost;
  }

  private disposeContent(): void {
    this.content.traverse((o) => {
      if (o instanceof THREE.Mesh || o instanceof THREE.Line) {
        o.geometry.dispose();
        (o.material as THREE.Material).dispose();
      }
    });
    this.content.clear();
    this.bodies = [];
    this.ghosts = [];
    this.focus = [];
    this.collisionMeshes = [];
    this.jointFrames = [];
    this.clearPlan();
  }
}

/** Poses (position, quaternion x y z w per body) onto the bodies' groups. */
function setPoses(groups: THREE.Group[], p: Float32Array): void {
  for (let i = 0; i < groups.length; i++) {
    const o = i * 7;
    if (o + 6 >= p.length) break;
    groups[i]!.position.set(p[o]!, p[o + 1]!, p[o + 2]!);
    groups[i]!.quaternion.set(p[o + 3]!, p[o + 4]!, p[o + 5]!, p[o + 6]!);
  }
}

/** Shown: the object and every parent visible (hidden collision shapes are not picked). */
function visible(o: THREE.Object3D): boolean {
  for (let p: THREE.Object3D | null = o; p; p = p.parent) if (!p.visible) return false;
  return true;
}

/** Grid cells of 1, 2.5 or 5 × a power of ten, about a fifth of what the camera frames (25 cm at most). */
function gridScale(size: number): number {
  const target = Math.min(0.25, size / 5);
  const decade = 10 ** Math.floor(Math.log10(target));
  const cell = [5, 2.5, 1].map((m) => m * decade).find((c) => c <= target) ?? decade;
  return cell / 0.25;
}

/** Whether WebGL is rasterized on the CPU (headless Chromium's SwiftShader, Mesa's llvmpipe). */
function softwareRendering(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software/i.test(name);
}
