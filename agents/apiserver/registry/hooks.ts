// The admission and patch functions the registry calls, passed in rather than imported so the
// registry reads as the order of steps (prepare → defaults → admit → validate → write) and tests
// can see each step. index.ts wires the real ones from admission/ and patch/.

import type { FieldCause } from '../../api/errors';
import type { ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';

export interface AdmissionHooks {
  /** Fill upstream's defaults (admission/defaults.ts). */
  defaults(r: ResourceInfo, obj: KubeObject): KubeObject;
  /**
   * Admission that needs to read other objects, on create only, after defaults and before
   * validation (admission/service-account.ts); may change the object or refuse it.
   */
  admit?(r: ResourceInfo, obj: KubeObject): Promise<KubeObject>;
  /** Field causes for a 422; `old` on update (admission/validation.ts). */
  validate(r: ResourceInfo, obj: KubeObject, old?: KubeObject): FieldCause[];
  /** Apply a JSON, merge or strategic merge patch to `original` (patch/). */
  applyPatch(contentType: string, original: KubeObject, body: string, r: ResourceInfo): KubeObject;
}
