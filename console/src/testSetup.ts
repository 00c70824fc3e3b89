import { configure } from '@testing-library/react';

// findBy*/waitFor give up after 1 s by default, which a loaded 2-core build machine exceeds; they still return as
// soon as the page shows what is awaited.
configure({ asyncUtilTimeout: 30_000 });
