// Each file registers the views of one resource's operations (defineViews).
import './applications.js';
import './customers.js';
import './money.js';
