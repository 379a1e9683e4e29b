import { render } from 'preact';
import '../styles.css';
import { PortalApp } from './PortalApp';

render(<PortalApp />, document.getElementById('app')!);
