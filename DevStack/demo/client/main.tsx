/** Browser entry of the demo app (bundled by DevStack/demo/bundle.ts; React comes from the page). */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { App } from './ui/App';

ReactDOM.render(<App />, document.getElementById('root'));
