export { startLocalKafka } from './local-broker';
