// The discovery.k8s.io labels (discovery/v1 well_known_labels.go) that tie EndpointSlices to
// their Service and to the controller that writes them: the EndpointSlice controller for
// Services with a selector, the mirroring controller for hand-written Endpoints. The Endpoints
// controller marks the Endpoints it writes `skip-mirror`, so they are never mirrored twice.

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
