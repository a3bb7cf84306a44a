/** Off-thread job (see off-thread.ts): describes a big model or card file, as ModelCatalog.describe does. */
import type { ModelDescription } from '../protocol/models.ts';
import { ModelCatalog } from './model-catalog.ts';

export function run({ folders, path, card }: { folders: string[]; path: string; card?: string }): ModelDescription {
  return new ModelCatalog(folders, undefined).describe(path, card);
}
