import { render } from 'preact';
import '../styles.css';
import { DashboardApp } from './DashboardApp';

render(<DashboardApp />, document.getElementById('app')!);
