// The entry stays tiny: it asks for the first view's data at once, then loads React and the app,
// so the API answers while the bundle is fetched and parsed.
import './prime-first-view.ts';
import './styles.css';

void import('./boot.tsx');
