/** The summary `actuate robot inspect` prints. */
import { isActuated, totalMass, type RobotModel } from './robot-model.ts';

export interface RobotSummary {
  name: string;
  format: 'urdf' | 'mjcf';
  links: number;
  joints: number;
  actuatedJoints: number;
  actuators: number;
  sensors: number;
  floatingBase: boolean;
  totalMass: number;
  meshes: { total: number; missing: number };
  keyframes: string[];
  jointList: { name: string; type: string; lower?: number; upper?: number; effort?: number; velocity?: number }[];
  warnings: string[];
}

export function summarize(model: RobotModel): RobotSummary {
  const meshes = model.links.flatMap((l) => l.geoms).flatMap((g) => (g.geometry.type === 'mesh' ? [g.geometry] : []));
  return {
    name: model.name,
    format: model.format,
    links: model.links.length,
    joints: model.joints.length,
    actuatedJoints: model.joints.filter((j) => isActuated(j) && j.type !== 'floating').length,
    actuators: model.actuators.length,
    sensors: model.sensors.length,
    floatingBase: model.floatingBase,
    totalMass: Math.round(totalMass(model) * 1e6) / 1e6,
    meshes: { total: meshes.length, missing: meshes.filter((m) => !m.found).length },
    keyframes: model.keyframes.map((k) => k.name),
    jointList: model.joints.map((j) => ({ name: j.name, type: j.type, ...j.limits })),
    warnings: model.warnings,
  };
}
