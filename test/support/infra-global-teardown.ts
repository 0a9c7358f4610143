import { stopSynthesis } from './synthesis';

export default function teardown(): void {
  stopSynthesis();
}
