// Bundles the browser page (issue #7). Until it exists, nothing to build.
