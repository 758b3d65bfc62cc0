import { render } from 'preact';
import { App } from './App';
import { locale } from './i18n';
import './views';
import './styles.css';

document.documentElement.lang = locale.get();
render(<App />, document.getElementById('app')!);
