{{%AUTOESCAPE context="HTML"}}
</main>
<footer class="site">
  <p>Made by archmatrix {{VERSION}} · every number on this page is in <a href="{{ROOT}}data.json">data.json</a> · <a href="{{ROOT}}coverage.csv">coverage.csv</a></p>
</footer>
</body>
</html>
