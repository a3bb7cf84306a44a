/** Every servo model the buses know, looked up by configuration name or by the number a servo reports. */
import { DYNAMIXEL_MODELS } from './dynamixel/tables.ts';
import { FEETECH_MODELS } from './feetech/tables.ts';
import type { BusKind, MotorModel } from './motor-model.ts';

export const MOTOR_MODELS: readonly MotorModel[] = [...DYNAMIXEL_MODELS, ...FEETECH_MODELS];

export function findModel(name: string): MotorModel {
  const model = MOTOR_MODELS.find((m) => m.name === name.toLowerCase());
  if (!model) throw new Error(`unknown motor model '${name}'; known: ${MOTOR_MODELS.map((m) => m.name).join(', ')}`);
  return model;
}

export function modelByNumber(bus: BusKind, number: number): MotorModel | undefined {
  return MOTOR_MODELS.find((m) => m.bus === bus && m.number === number);
}
