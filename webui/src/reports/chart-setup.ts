// Chart.js with only what the reports draw (bar and doughnut charts), loaded
// on the reports page alone: sb-report-chart imports this module
// dynamically, so esbuild splits it into its own chunk and the softphone
// never downloads it.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
);

export { Chart };
