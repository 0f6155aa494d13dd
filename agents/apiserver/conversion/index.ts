// Serving a resource at a version other than the one it is stored at (upstream: the scheme's
// conversion functions, applied by the REST handlers on decode and encode). The handlers take a
// view for the request's version: `toStored` on every body that comes in (create, update, the
// object a patch is applied to), `toServed` on every object that goes out (get, list, watch
// events, write responses). At the stored version both are the identity.
//
//   GET /apis/autoscaling/v1/…/horizontalpodautoscalers/web   stored v2 → toServed → v1
//   PUT /apis/autoscaling/v1/…/horizontalpodautoscalers/web   v1 body → toStored → v2

import { groupVersion, type ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { hpaFromV1, hpaToV1 } from './autoscaling';

export interface VersionView {
  /** The request's apiVersion (`autoscaling/v1`). */
  apiVersion: string;
  /** True at the stored version: nothing to convert. */
  stored: boolean;
  toServed(obj: KubeObject): KubeObject;
  toStored(obj: KubeObject): KubeObject;
}

interface Converter {
  toServed(obj: KubeObject): KubeObject;
  toStored(obj: KubeObject): KubeObject;
}

/** By `<group>/<resource>/<served version>`. */
const converters: Record<string, Converter> = {
  'autoscaling/horizontalpodautoscalers/v1': { toServed: hpaToV1, toStored: hpaFromV1 },
};

export function versionView(r: ResourceInfo, version: string): VersionView {
  const apiVersion = groupVersion({ group: r.group, version });
  const c = version === r.version ? undefined : converters[`${r.group}/${r.resource}/${version}`];
  if (!c) return { apiVersion, stored: true, toServed: (o) => o, toStored: (o) => o };
  return {
    apiVersion,
    stored: false,
    // Only the resource's own objects convert: a Status (a watch ERROR) passes as it is, and an
    // object without a spec (a BOOKMARK) only changes its apiVersion.
    toServed: (o) => (o.kind !== r.kind ? o : o.spec === undefined ? { ...o, apiVersion } : c.toServed(o)),
    toStored: (o) => c.toStored(o),
  };
}
